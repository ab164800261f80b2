package org.smtpmonitor.ui;

import java.util.List;

import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.input.KeyCombination;

import org.smtpmonitor.message.SourceLines.Row;

/**
 * The Source tab's list: the shown message's rows, read a page at a time as they are drawn
 * ({@link SourceRows}); rows are selected as in any list (Shift, Ctrl) and copied with
 * Ctrl+C or the context menu, through {@link MessageViewModel#copySource}.
 */
final class SourceView {

    private static final KeyCombination COPY = KeyCombination.keyCombination("Shortcut+C");

    private final ListView<Row> list;
    private final MessageViewModel model;
    private SourceRows rows;

    SourceView(ListView<Row> list, MessageViewModel model) {
        this.list = list;
        this.model = model;
        list.setCellFactory(view -> new SourceRows.Cell());
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        // No accelerator on the item: JavaFX would put it in the scene's, where it would take
        // Ctrl+C from the transcript; the list's own key handler below copies instead.
        MenuItem copy = new MenuItem("Copy");
        copy.setOnAction(e -> copy());
        copy.disableProperty().bind(Bindings.isEmpty(list.getSelectionModel().getSelectedIndices()));
        MenuItem selectAll = new MenuItem("Select all");
        selectAll.setOnAction(e -> list.getSelectionModel().selectAll());
        list.setContextMenu(new ContextMenu(copy, selectAll));
        list.setOnKeyPressed(e -> {
            if (COPY.match(e)) {
                copy();
                e.consume();
            }
        });
    }

    /** Shows the rows of {@code message} (null: none), from its top. */
    void show(Inspected message) {
        if (rows != null) {
            rows.drop();
        }
        rows = message == null ? null : new SourceRows(message.source(), model.background(), list::refresh);
        list.setItems(rows == null ? FXCollections.observableArrayList() : FXCollections.observableList(rows));
        list.scrollTo(0);
    }

    private void copy() {
        model.copySource(List.copyOf(list.getSelectionModel().getSelectedIndices()));
    }
}
