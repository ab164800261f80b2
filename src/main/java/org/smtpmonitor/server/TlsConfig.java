package org.smtpmonitor.server;

import javax.net.ssl.SSLContext;

/**
 * TLS for a server: STARTTLS (RFC 3207) on its port, and implicit TLS (RFC 8314) on a
 * second port when one is given. Either way a connection may use TLS 1.2 or 1.3 only.
 *
 * @param context      presents the server's certificate
 * @param implicitPort the implicit-TLS port (465 by convention, 0 picks a free one), or
 *                     {@link #NO_IMPLICIT_PORT}
 * @param certificate  where the certificate comes from, for the log (such as
 *                     {@code self-signed for localhost, kept in .smtp-monitor/tls})
 * @param fingerprint  the certificate's SHA-256, for the log and for clients to pin
 */
public record TlsConfig(SSLContext context, int implicitPort, String certificate, String fingerprint) {

    public static final int NO_IMPLICIT_PORT = -1;

    public TlsConfig {
        if (implicitPort < NO_IMPLICIT_PORT || implicitPort > 65535) {
            throw new IllegalArgumentException("TLS port " + implicitPort + " is not between 0 and 65535");
        }
    }

    public boolean hasImplicitPort() {
        return implicitPort != NO_IMPLICIT_PORT;
    }
}
