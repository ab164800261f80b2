package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.smtpmonitor.event.SessionEvent;

/**
 * Where other threads leave news for the window: server events, on a lock-free queue that
 * the FX thread drains in batches (see {@link MainWindow}), so a flood of events costs one
 * list update per batch rather than one {@code Platform.runLater} per line; and the
 * addresses of the mailboxes whose stored messages changed, as the message index reports
 * them (up to 20 times a second under a flood), gathered into one set until the next pulse.
 */
final class EventInbox implements Consumer<SessionEvent> {

    /** At most this many events are applied at once, so one pulse stays short under a flood. */
    static final int MAX_PER_APPLY = 60_000;

    private final Queue<SessionEvent> events = new ConcurrentLinkedQueue<>();
    private final Set<String> changedMailboxes = ConcurrentHashMap.newKeySet();

    @Override
    public void accept(SessionEvent event) {
        events.add(event);
    }

    /** The index committed changes to these mailboxes (called on the index's thread; never blocks). */
    void mailChanged(Set<String> addresses) {
        changedMailboxes.addAll(addresses);
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

    /** The mailboxes whose stored messages changed since the last call. */
    Set<String> drainMailChanges() {
        if (changedMailboxes.isEmpty()) {
            return Set.of();
        }
        Set<String> batch = new TreeSet<>();
        for (String address : changedMailboxes) {
            changedMailboxes.remove(address);
            batch.add(address);
        }
        return batch;
    }

    /** Nothing waits for the FX thread (for the load benchmark). */
    boolean isEmpty() {
        return events.isEmpty() && changedMailboxes.isEmpty();
    }
}
