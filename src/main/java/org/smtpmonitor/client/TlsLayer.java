package org.smtpmonitor.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * How an SMTP connection goes over to TLS: a handshake over its plain socket, giving the
 * streams the session goes on with. The blocking clients layer an {@code SSLSocket}
 * ({@link TlsClient#socketLayer}); the benchmark an {@code SSLEngine} it then drives from its
 * event loop.
 */
@FunctionalInterface
public interface TlsLayer {

    /**
     * A connection after its handshake: the socket to close it with, and its streams of
     * application bytes.
     */
    record Secured(Socket socket, InputStream in, OutputStream out, TlsHandshake handshake) {
    }

    /** The handshake over {@code plain}; on failure the connection is useless and the caller closes it. */
    Secured secure(Socket plain) throws IOException;
}
