package org.smtpmonitor.smtp;

import java.util.List;

/**
 * What the session answers to one input: the reply to send, what the connection does
 * next, and, after a message: its envelope with the stored copies, or why storing failed.
 *
 * <p>Made only through the named factories, one per kind of answer, so that no caller
 * has to fill in the parts that do not apply to it.
 */
public final class Step {

    /** What the connection does after sending the reply. */
    public enum Next {
        /** Read the next command line. */
        COMMAND,
        /** Read message data up to CRLF.CRLF, then call {@link SmtpSession#messageReceived}. */
        DATA,
        /** Close the connection. */
        CLOSE,
        /**
         * Start TLS (RFC 3207) once the reply is sent: what the client sent after the
         * command is discarded, and the next bytes are its TLS handshake.
         */
        START_TLS
    }

    private final Reply reply;
    private final Next next;
    private final Envelope envelope;
    private final List<StoredCopy> copies;
    private final String failure;

    private Step(Reply reply, Next next, Envelope envelope, List<StoredCopy> copies, String failure) {
        this.reply = reply;
        this.next = next;
        this.envelope = envelope;
        this.copies = List.copyOf(copies);
        this.failure = failure;
    }

    /** Send {@code reply}, then read the next command. */
    static Step reply(Reply reply) {
        return new Step(reply, Next.COMMAND, null, List.of(), null);
    }

    /** Send {@code reply}, then close the connection. */
    static Step close(Reply reply) {
        return new Step(reply, Next.CLOSE, null, List.of(), null);
    }

    /** Send {@code reply}, then read message data. */
    static Step startData(Reply reply) {
        return new Step(reply, Next.DATA, null, List.of(), null);
    }

    /** Send {@code reply} in the clear, then start TLS. */
    static Step startTls(Reply reply) {
        return new Step(reply, Next.START_TLS, null, List.of(), null);
    }

    /** The message of {@code envelope} is stored as {@code copies}; send {@code reply}, then read the next command. */
    static Step delivered(Reply reply, Envelope envelope, List<StoredCopy> copies) {
        return new Step(reply, Next.COMMAND, envelope, copies, null);
    }

    /**
     * The message of {@code envelope} could not be stored, for {@code failure}; send {@code reply},
     * then read the next command.
     */
    static Step failed(Reply reply, Envelope envelope, String failure) {
        return new Step(reply, Next.COMMAND, envelope, List.of(), failure);
    }

    public Reply reply() {
        return reply;
    }

    public Next next() {
        return next;
    }

    /** The message's envelope after a message; null after a command. */
    public Envelope envelope() {
        return envelope;
    }

    /** Where the message was stored; empty unless it was. */
    public List<StoredCopy> copies() {
        return copies;
    }

    /** Why the message could not be stored; null unless it failed. */
    public String failure() {
        return failure;
    }

    @Override
    public String toString() {
        return "Step[" + reply + ", " + next + (envelope == null ? "" : ", " + envelope.queueId())
                + (failure == null ? "" : ", failed: " + failure) + "]";
    }
}
