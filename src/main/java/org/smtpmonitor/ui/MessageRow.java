package org.smtpmonitor.ui;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.beans.WeakInvalidationListener;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.TableRow;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.TransferMode;

/**
 * A row of the message list, styled by its kind ({@code :unknown}, {@code :more}) and
 * {@code :unread} until its message is shown; the "load more" row loads the next page once
 * it is scrolled into view. Message rows drag out of the window as {@code .eml} files: the
 * files are written when a row is pressed ({@link DragFiles}), so the drag that may follow
 * hands the desktop their paths without the FX thread writing a byte.
 */
final class MessageRow extends TableRow<MessageSummary> {

    private static final PseudoClass UNKNOWN = PseudoClass.getPseudoClass("unknown");
    private static final PseudoClass MORE = PseudoClass.getPseudoClass("more");
    private static final PseudoClass UNREAD = PseudoClass.getPseudoClass("unread");

    private final MessageListViewModel list;
    private final UnreadMarks unread;
    private final DragFiles drag;
    /** Held by the row: the marks hold it only weakly, and rows come and go with the table's skin. */
    private final InvalidationListener readChanged = o -> updateUnread();

    MessageRow(MessageListViewModel list, UnreadMarks unread, DragFiles drag) {
        this.list = list;
        this.unread = unread;
        this.drag = drag;
        unread.changes().addListener(new WeakInvalidationListener(readChanged));
        addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        addEventHandler(MouseEvent.DRAG_DETECTED, this::dragDetected);
    }

    @Override
    protected void updateItem(MessageSummary item, boolean empty) {
        super.updateItem(item, empty);
        MessageSummary.Kind kind = item == null || empty ? null : item.kind();
        pseudoClassStateChanged(UNKNOWN, kind == MessageSummary.Kind.UNINDEXED);
        pseudoClassStateChanged(MORE, kind == MessageSummary.Kind.MORE);
        updateUnread();
        if (kind == MessageSummary.Kind.MORE && isShown()) {
            Platform.runLater(list::loadMore);
        }
    }

    private void updateUnread() {
        pseudoClassStateChanged(UNREAD, !isEmpty() && unread.isUnread(getItem()));
    }

    /** False for the hidden row a table lays out only to measure rows. */
    private boolean isShown() {
        for (Node node = getParent(); node != null; node = node.getParent()) {
            if (!node.isVisible()) {
                return false;
            }
        }
        return getParent() != null;
    }

    /** A press may start a drag of this row and the others selected: their files are written now. */
    private void pressed(MouseEvent e) {
        if (e.getButton() == MouseButton.PRIMARY && !isEmpty() && getItem().isMessage()) {
            Set<Long> ids = new LinkedHashSet<>(selectedIds());
            ids.add(getItem().id());
            drag.prepare(ids);
        }
    }

    private void dragDetected(MouseEvent e) {
        List<Long> ids = selectedIds();
        if (isEmpty() || !getItem().isMessage() || ids.isEmpty()) {
            return;
        }
        List<File> files = new ArrayList<>();
        for (long id : ids.subList(0, Math.min(ids.size(), DragFiles.MAX_FILES))) {
            files.add(drag.fileOf(id).toFile());
        }
        // Prepared by the press; also when the selection was made from the keyboard.
        drag.prepare(ids);
        Dragboard board = startDragAndDrop(TransferMode.COPY);
        ClipboardContent content = new ClipboardContent();
        content.putFiles(files);
        board.setContent(content);
        e.consume();
    }

    private List<Long> selectedIds() {
        List<Long> ids = new ArrayList<>();
        for (MessageSummary row : getTableView().getSelectionModel().getSelectedItems()) {
            if (row != null && row.isMessage()) {
                ids.add(row.id());
            }
        }
        return ids;
    }
}
