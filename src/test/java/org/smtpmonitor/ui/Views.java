package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;

/** Reads what the user sees in tables and lists: the text of the rendered cells. Call on the FX thread. */
final class Views {

    private Views() {
    }

    /** The rendered rows of a table, top to bottom, each as the texts of its cells. */
    static List<List<String>> rows(TableView<?> table) {
        List<TableRow<?>> rows = renderedRows(table);
        List<List<String>> texts = new ArrayList<>();
        for (TableRow<?> row : rows) {
            List<String> cells = new ArrayList<>();
            for (Node child : row.getChildrenUnmodifiable()) {
                if (child instanceof TableCell<?, ?> cell) {
                    cells.add(cell.getText() == null ? "" : cell.getText());
                }
            }
            texts.add(cells);
        }
        return texts;
    }

    /** The topmost rendered row of a table whose first cell starts with {@code prefix}, or null. */
    static TableRow<?> row(TableView<?> table, String prefix) {
        for (TableRow<?> row : renderedRows(table)) {
            Node first = row.getChildrenUnmodifiable().isEmpty() ? null : row.getChildrenUnmodifiable().get(0);
            if (first instanceof Labeled cell && cell.getText() != null && cell.getText().startsWith(prefix)) {
                return row;
            }
        }
        return null;
    }

    /** The topmost rendered row of a table that has a cell whose text contains {@code text}, or null. */
    static TableRow<?> rowWith(TableView<?> table, String text) {
        for (TableRow<?> row : renderedRows(table)) {
            for (Node child : row.getChildrenUnmodifiable()) {
                if (child instanceof Labeled cell && cell.getText() != null && cell.getText().contains(text)) {
                    return row;
                }
            }
        }
        return null;
    }

    private static List<TableRow<?>> renderedRows(TableView<?> table) {
        requireFxThread();
        table.layout();
        List<TableRow<?>> rows = new ArrayList<>();
        for (Node node : table.lookupAll(".table-row-cell")) {
            if (node instanceof TableRow<?> row && row.getItem() != null && row.isVisible()) {
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparingInt(IndexedCell::getIndex));
        return rows;
    }

    /** The rendered cells of a list, top to bottom. */
    static List<Labeled> cells(ListView<?> list) {
        requireFxThread();
        list.layout();
        List<IndexedCell<?>> cells = new ArrayList<>();
        for (Node node : list.lookupAll(".list-cell")) {
            if (node instanceof IndexedCell<?> cell && cell.getItem() != null && cell.isVisible()) {
                cells.add(cell);
            }
        }
        cells.sort(Comparator.comparingInt(IndexedCell::getIndex));
        return new ArrayList<>(cells);
    }

    /** Laying a control out anywhere else would race the FX thread's own layout of it, and corrupt it. */
    static void requireFxThread() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("lays the scene out: call it on the FX thread, " + Thread.currentThread());
        }
    }
}
