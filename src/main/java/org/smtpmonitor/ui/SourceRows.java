package org.smtpmonitor.ui;

import java.util.AbstractList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

import javafx.css.PseudoClass;
import javafx.scene.control.ListCell;

import org.smtpmonitor.message.SourceLines;
import org.smtpmonitor.message.SourceLines.Row;

/**
 * The rows of a message's source as a list for a virtualised ListView: its size is the number
 * of rows, but a row is read (and escaped for display) only when the list asks for it, a page
 * at a time on {@code background}. Until its page arrives a row reads as empty, and then
 * {@code arrived} runs, for the view to draw its cells again. Only the pages seen last are
 * kept, so a 25 MB message costs its stored bytes and a few hundred rows of text.
 * Used on the FX thread.
 */
final class SourceRows extends AbstractList<Row> {

    static final int PAGE = 256;
    private static final PseudoClass CONTINUATION = PseudoClass.getPseudoClass("continuation");
    static final int PAGES_KEPT = 64;
    private static final Row PENDING = new Row("", false);

    private final SourceLines lines;
    private final Executor background;
    private final Runnable arrived;
    private final Map<Integer, List<Row>> pages = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, List<Row>> eldest) {
            return size() > PAGES_KEPT;
        }
    };
    private final Set<Integer> asked = new HashSet<>();
    private boolean dropped;

    SourceRows(SourceLines lines, Executor background, Runnable arrived) {
        this.lines = lines;
        this.background = background;
        this.arrived = arrived;
    }

    @Override
    public Row get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("row " + index + " of " + size());
        }
        List<Row> page = pages.get(index / PAGE);
        if (page == null) {
            read(index / PAGE);
            return PENDING;
        }
        return page.get(index % PAGE);
    }

    @Override
    public int size() {
        return lines.rows();
    }

    /** Another message is shown: pages that arrive now are not wanted. */
    void drop() {
        dropped = true;
        pages.clear();
    }

    /** A row as the source list draws it: a long line's continuation rows styled apart. */
    static final class Cell extends ListCell<Row> {
        @Override
        protected void updateItem(Row row, boolean empty) {
            super.updateItem(row, empty);
            setText(empty || row == null ? null : row.text());
            pseudoClassStateChanged(CONTINUATION, !empty && row != null && row.continuation());
        }
    }

    private void read(int page) {
        if (dropped || !asked.add(page)) {
            return;
        }
        int from = page * PAGE;
        BackgroundCall.run(background, () -> lines.rows(from, from + PAGE).stream()
                        .map(row -> new Row(DisplayText.line(row.text()), row.continuation())).toList(),
                rows -> {
                    asked.remove(page);
                    if (!dropped) {
                        pages.put(page, rows);
                        arrived.run();
                    }
                },
                failure -> asked.remove(page));
    }
}
