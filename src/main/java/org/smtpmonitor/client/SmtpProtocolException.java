package org.smtpmonitor.client;

import java.io.IOException;

/** The server sent something that is not an SMTP reply; the message quotes it. */
public final class SmtpProtocolException extends IOException {

    public SmtpProtocolException(String message) {
        super(message);
    }
}
