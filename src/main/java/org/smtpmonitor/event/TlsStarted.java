package org.smtpmonitor.event;

import java.time.Instant;

import org.smtpmonitor.smtp.TlsInfo;

/**
 * A session's TLS handshake is done (after STARTTLS, or at once on the implicit-TLS port):
 * from here on its commands and replies travel encrypted. A transcript shows it as
 * {@code -- TLS 1.3 TLS_AES_128_GCM_SHA256}, with {@code SNI name} after when the client
 * named the server it wanted (see {@link EventText}). The SNI name comes from the client:
 * escape it wherever it is shown.
 */
public record TlsStarted(long sessionId, TlsInfo tls, Instant at) implements SessionEvent {
}
