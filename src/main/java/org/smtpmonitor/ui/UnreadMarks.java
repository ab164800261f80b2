package org.smtpmonitor.ui;

import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import javafx.beans.Observable;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;

import org.smtpmonitor.app.MailboxDirectory;

/**
 * Which listed messages are unread. A message is unread until the window shows it, and the
 * message index keeps that ({@link MailboxDirectory#markRead}; a rebuilt index forgets it).
 * A row holds what the index said when it was listed; the messages shown since are kept here
 * too, so that a row turns read at once, and stays read when a listing made before the mark
 * was written comes in. Changed on the FX thread only.
 */
final class UnreadMarks {

    private final MailboxDirectory mail;
    private final Executor background;
    private final Runnable marked;
    private final Consumer<String> problems;
    private final ObservableSet<Long> shown = FXCollections.observableSet(new HashSet<>());

    /**
     * @param mail     the stored mail, or null when the index could not be opened
     * @param marked   told when a mark is in the index (the unread counts change)
     * @param problems told when a mark cannot be written
     */
    UnreadMarks(MailboxDirectory mail, Executor background, Runnable marked, Consumer<String> problems) {
        this.mail = mail;
        this.background = background;
        this.marked = marked;
        this.problems = problems;
    }

    boolean isUnread(MessageSummary row) {
        return row != null && row.isMessage() && row.unread() && !shown.contains(row.id());
    }

    /** The message of {@code row} is shown: it is read from now on. */
    void shown(MessageSummary row) {
        if (!isUnread(row)) {
            return;
        }
        long id = row.id();
        shown.add(id);
        BackgroundCall.run(background, () -> {
            mail.markRead(List.of(id));
            return id;
        }, done -> marked.run(), failure -> problems.accept("Cannot note message " + id + " as read: "
                + BackgroundCall.reason(failure)));
    }

    /** Invalidated when a message turns read. */
    Observable changes() {
        return shown;
    }
}
