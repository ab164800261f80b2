package org.smtpmonitor.server;

import java.io.IOException;
import java.net.BindException;

/** The implicit-TLS port could not be bound (the SMTP port could): says which port, for the error the user sees. */
public final class ImplicitTlsBindException extends BindException {

    private final int port;

    ImplicitTlsBindException(int port, IOException cause) {
        super("implicit-TLS port " + port + ": " + cause.getMessage());
        this.port = port;
        initCause(cause);
    }

    public int port() {
        return port;
    }
}
