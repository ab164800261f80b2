package org.smtpmonitor.client;

import java.io.IOException;

/**
 * The server refused the start of a session (the greeting, EHLO, STARTTLS, AUTH) or lacks
 * what it was asked for; the message says which, with the server's reply.
 */
public final class SessionRefused extends IOException {

    public SessionRefused(String message) {
        super(message);
    }
}
