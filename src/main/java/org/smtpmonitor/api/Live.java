package org.smtpmonitor.api;

import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.EventBus;

/**
 * What the API follows of the running server: the sessions it holds ({@link SessionHistory})
 * and the event stream ({@link EventStream}). Both subscribe to the event bus when made, which
 * is before the monitor starts, so that they miss nothing.
 */
final class Live implements AutoCloseable {

    private final SessionHistory sessions = new SessionHistory();
    private final EventStream stream = new EventStream();
    private final AutoCloseable sessionsSubscription;
    private final AutoCloseable streamSubscription;

    Live(EventBus events) {
        sessionsSubscription = events.subscribe(sessions);
        streamSubscription = events.subscribe(stream);
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
            streamSubscription.close();
            sessionsSubscription.close();
        } catch (Exception e) {
            // The bus's handles do not fail.
        }
        stream.close();
    }
}
