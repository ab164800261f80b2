package org.smtpmonitor.event;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * The server offers TLS (published right after {@link ServerStarted}): STARTTLS on its
 * port, and implicit TLS on {@code implicitTlsAddress} unless that is null.
 *
 * @param certificate where the certificate comes from, such as
 *                    {@code self-signed for localhost, kept in .smtp-monitor/tls}
 * @param fingerprint the SHA-256 of the certificate, as {@code openssl x509 -fingerprint
 *                    -sha256} prints it ({@code AB:CD:...}), for clients to pin
 */
public record TlsReady(InetSocketAddress implicitTlsAddress, String certificate, String fingerprint, Instant at)
        implements SessionEvent {
}
