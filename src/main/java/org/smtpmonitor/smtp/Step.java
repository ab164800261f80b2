package org.smtpmonitor.smtp;

import java.util.List;


/**
 * What the session answers to one input: the reply to send, what the connection does
 * next, and, after a message: its envelope with the stored copies, or why storing failed.
 */
public record Step(Reply reply, Next next, Envelope envelope, List<StoredCopy> copies, String failure) {

    /** What the connection does after sending the reply. */
    public enum Next {
        /** Read the next command line. */
        COMMAND,
        /** Read message data up to CRLF.CRLF, then call {@link SmtpSession#messageReceived}. */
        DATA,
        /** Close the connection. */
        CLOSE
    }

    static Step reply(Reply reply) {
        return new Step(reply, Next.COMMAND, null, List.of(), null);
    }
}
