package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.StoredCopy;

/**
 * Where server threads leave events for the window: a lock-free queue that the FX thread
 * drains in batches (see {@link MainWindow}), so a flood of events costs one list update
 * per batch rather than one {@code Platform.runLater} per line. Stored copies also go to
 * the mailbox indexer straight away, so it learns message boundaries even while the window
 * is busy.
 */
final class EventInbox implements Consumer<SessionEvent> {

    /** At most this many events are applied at once, so one pulse stays short under a flood. */
    static final int MAX_PER_APPLY = 60_000;

    private final Queue<SessionEvent> events = new ConcurrentLinkedQueue<>();
    private final Queue<MailboxIndex.MailboxState> mailboxStates = new ConcurrentLinkedQueue<>();
    private final MailboxIndexer indexer;

    /** Also starts the indexer of mailboxes in {@code format}; close it with {@link #indexer()}. */
    EventInbox(MailboxFormat format) {
        this.indexer = new MailboxIndexer(format, mailboxStates::add);
    }

    @Override
    public void accept(SessionEvent event) {
        if (event instanceof MessageDelivered delivered) {
            for (StoredCopy copy : delivered.copies()) {
                indexer.copyStored(copy);
            }
        }
        events.add(event);
    }

    MailboxIndexer indexer() {
        return indexer;
    }

    /** The events queued so far, oldest first (at most {@link #MAX_PER_APPLY}). */
    List<SessionEvent> drainEvents() {
        List<SessionEvent> batch = new ArrayList<>();
        for (SessionEvent event = events.poll(); event != null; event = events.poll()) {
            batch.add(event);
            if (batch.size() == MAX_PER_APPLY) {
                break;
            }
        }
        return batch;
    }

    /** What the indexer found since the last call; only the newest state of each file matters. */
    List<MailboxIndex.MailboxState> drainMailboxStates() {
        List<MailboxIndex.MailboxState> batch = new ArrayList<>();
        for (MailboxIndex.MailboxState state = mailboxStates.poll(); state != null; state = mailboxStates.poll()) {
            batch.add(state);
        }
        return batch;
    }

    /** Events waiting for the FX thread (for the load benchmark). */
    boolean isEmpty() {
        return events.isEmpty() && mailboxStates.isEmpty();
    }
}
