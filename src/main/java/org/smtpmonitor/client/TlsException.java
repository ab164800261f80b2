package org.smtpmonitor.client;

import java.io.IOException;

/** A TLS handshake that failed, worded for the person at the console: where, and why. */
public final class TlsException extends IOException {

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
