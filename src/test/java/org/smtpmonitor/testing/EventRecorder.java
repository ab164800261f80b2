package org.smtpmonitor.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionEvent;

/** Records every event published, and lets a test wait (bounded) for the one it expects. */
public final class EventRecorder implements Consumer<SessionEvent> {

    public static final long WAIT_MILLIS = 10_000;

    private final List<SessionEvent> events = new ArrayList<>();

    @Override
    public synchronized void accept(SessionEvent event) {
        events.add(event);
        notifyAll();
    }

    public synchronized List<SessionEvent> all() {
        return List.copyOf(events);
    }

    /** The events of one session, in the order they were published. */
    public synchronized List<SessionEvent> ofSession(long sessionId) {
        List<SessionEvent> result = new ArrayList<>();
        for (SessionEvent event : events) {
            if (EventText.sessionOf(event) == sessionId) {
                result.add(event);
            }
        }
        return result;
    }

    /** Waits for the first event of {@code type} that matches, failing after {@link #WAIT_MILLIS}. */
    public synchronized <T extends SessionEvent> T await(Class<T> type, Predicate<? super T> matches)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (true) {
            for (SessionEvent event : events) {
                if (type.isInstance(event) && matches.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " as expected within " + WAIT_MILLIS
                        + " ms; events: " + events);
            }
            wait(left);
        }
    }

    /** Waits until {@code count} sessions have closed. */
    public synchronized void awaitClosedSessions(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (events.stream().filter(SessionClosed.class::isInstance).count() < count) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("fewer than " + count + " sessions closed within " + WAIT_MILLIS + " ms");
            }
            wait(left);
        }
    }
}
