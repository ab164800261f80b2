package org.smtpmonitor.testing;

import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;

/** Helpers for looking at events in tests. */
public final class SessionEvents {

    private SessionEvents() {
    }

    /** The session an event belongs to, or -1 for server-wide events. */
    public static long sessionId(SessionEvent event) {
        if (event instanceof SessionOpened e) {
            return e.sessionId();
        } else if (event instanceof LineReceived e) {
            return e.sessionId();
        } else if (event instanceof ReplySent e) {
            return e.sessionId();
        } else if (event instanceof MessageDelivered e) {
            return e.sessionId();
        } else if (event instanceof SessionClosed e) {
            return e.sessionId();
        } else if (event instanceof ServerError e) {
            return e.sessionId();
        }
        return -1;
    }
}
