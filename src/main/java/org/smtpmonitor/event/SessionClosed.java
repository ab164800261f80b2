package org.smtpmonitor.event;

import java.time.Instant;

/** A session ended, and why. */
public record SessionClosed(long sessionId, Reason reason, Instant at) implements SessionEvent {

    public enum Reason {
        QUIT("quit"),
        CLIENT_DISCONNECTED("client disconnected"),
        /** Silent, with no command begun, for the whole timeout. */
        IDLE_TIMEOUT("idle timeout"),
        /** A command begun but not complete within the timeout. */
        COMMAND_TIMEOUT("command timeout"),
        /** Message data that did not move along fast enough. */
        DATA_TIMEOUT("data timeout"),
        TOO_MANY_CONNECTIONS("too many connections"),
        /** The last failed AUTH a session is allowed. */
        AUTH_FAILURES("too many failed AUTH attempts"),
        SERVER_SHUTDOWN("server shutdown"),
        /** The TLS handshake failed, or the client broke TLS later (see {@link TlsFailed} for why). */
        TLS_FAILED("TLS error"),
        /** A scripted-failure rule closed the connection ({@code close = before} or {@code after}). */
        RULE("closed by a rule"),
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
