package org.smtpmonitor.api;

import java.util.concurrent.TimeUnit;

import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.QueuedListener;
import org.smtpmonitor.event.SessionEvent;

/**
 * What the API follows of the running server: the sessions it holds ({@link SessionHistory})
 * and the event stream ({@link EventStream}). They listen to the event bus from when this is
 * made, which is before the monitor starts, so that they miss nothing, through one
 * {@link QueuedListener} (thread {@code api-live}, every 20 ms): escaping a line, keeping it
 * and framing events is work for that thread, not for the server's, which only queue them.
 */
final class Live implements AutoCloseable {

    private final SessionHistory sessions = new SessionHistory();
    private final EventStream stream = new EventStream();
    /** At most this many events wait for the api-live thread; past it they are dropped, not held. */
    static final int QUEUE = 262_144;

    private final QueuedListener queue = new QueuedListener("api-live", QUEUE, 20, TimeUnit.MILLISECONDS, batch -> {
        for (SessionEvent event : batch) {
            sessions.accept(event);
            stream.accept(event);
        }
    }, dropped -> System.err.println("smtp-monitor: the HTTP API fell behind the server and missed " + dropped
            + " events (its transcripts and event streams lack them)"));
    private final AutoCloseable subscription;

    Live(EventBus events) {
        subscription = events.subscribe(queue);
    }

    /** Adds {@code /api/sessions}, {@code /api/sessions/{id}} and {@code /api/events}, over {@code monitor}. */
    void addRoutes(ApiServer api, Monitor monitor) {
        sessions.addRoutes(api);
        stream.start(monitor, api);
    }

    /** Ends the event streams and stops listening. */
    @Override
    public void close() {
        try {
            subscription.close();
            queue.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The bus's handles do not fail.
        }
        stream.close();
    }
}
