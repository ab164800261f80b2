package org.smtpmonitor.event;

import java.time.Instant;

/**
 * A session's TLS handshake failed, or the client broke TLS later (a forged or oversized
 * record), for {@code reason} (the TLS library's words, such as
 * {@code Unsupported or unrecognized SSL message}, which may quote what the client sent:
 * escape it wherever it is shown). The session is closed next.
 */
public record TlsFailed(long sessionId, String reason, Instant at) implements SessionEvent {
}
