package org.smtpmonitor.event;

import java.time.Instant;

/** A session ended, and why. */
public record SessionClosed(long sessionId, Reason reason, Instant at) implements SessionEvent {

    public enum Reason {
        QUIT("quit"),
        CLIENT_DISCONNECTED("client disconnected"),
        IDLE_TIMEOUT("idle timeout"),
        TOO_MANY_CONNECTIONS("too many connections"),
        SERVER_SHUTDOWN("server shutdown"),
        ERROR("I/O error");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** Lower-case words for logs and the window, such as {@code idle timeout}. */
        public String label() {
            return label;
        }
    }
}
