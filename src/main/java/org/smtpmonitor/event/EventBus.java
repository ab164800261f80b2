package org.smtpmonitor.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivers server events to listeners, on the publishing (server) thread.
 *
 * <p>Listeners must return quickly and never block: a listener that has slow work to
 * do (writing to a console, updating a window) hands events to its own thread, as
 * {@link QueuedListener} does. A listener's exception never reaches the publisher.
 */
public final class EventBus {

    private final List<Consumer<? super SessionEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; returns a handle that removes it again. */
    public AutoCloseable subscribe(Consumer<? super SessionEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** True when at least one listener is subscribed; lets the server skip building events nobody reads. */
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }

    public void publish(SessionEvent event) {
        for (Consumer<? super SessionEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // A broken listener must not break the session that published the event.
                System.err.println("smtp-monitor: an event listener failed: " + e);
            }
        }
    }
}
