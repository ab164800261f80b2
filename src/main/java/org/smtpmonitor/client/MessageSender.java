package org.smtpmonitor.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one message through a whole SMTP dialogue on an open connection: the start of the
 * session ({@link SessionSetup}: greeting, EHLO or HELO, STARTTLS and AUTH as asked), MAIL,
 * RCPT for each recipient, DATA, the message, QUIT.
 *
 * <p>MAIL and the RCPTs go out in one batch when the server offers PIPELINING
 * (RFC 2920). DATA is sent only when at least one recipient was accepted.
 */
public final class MessageSender {

    private final SmtpConnection connection;
    private final SessionSetup setup;

    /** With the session started by {@code setup} (STARTTLS, AUTH). */
    public MessageSender(SmtpConnection connection, SessionSetup setup) {
        this.connection = connection;
        this.setup = setup;
    }

    /** One recipient and the server's answer to its RCPT. */
    public record RecipientResult(String address, SmtpReply reply) {
        public boolean accepted() {
            return reply.isPositiveCompletion();
        }
    }

    /**
     * What happened: {@code failure} says why the message was not sent at all (or
     * {@code null}), {@code messageReply} is the reply to the message's end (or {@code null}
     * when it was not sent).
     */
    public record Outcome(List<RecipientResult> recipients, SmtpReply messageReply, String failure) {

        public Outcome {
            recipients = List.copyOf(recipients);
        }

        /** True when every recipient was accepted and the message delivered. */
        public boolean deliveredToAll() {
            return failure == null && messageReply != null && messageReply.isPositiveCompletion()
                    && recipients.stream().allMatch(RecipientResult::accepted);
        }

        public List<RecipientResult> accepted() {
            return recipients.stream().filter(RecipientResult::accepted).toList();
        }
    }

    /**
     * Runs the dialogue. A refusal by the server is an {@link Outcome}, not an exception.
     *
     * @throws IOException when the connection fails (see {@link ConnectionProblem#ofSession})
     */
    public Outcome send(OutgoingMessage message) throws IOException {
        byte[] data = message.toBytes();
        List<RecipientResult> results = new ArrayList<>();
        SessionSetup.Ready ready;
        try {
            ready = setup.run(connection);
        } catch (SessionRefused e) {
            return new Outcome(results, null, e.getMessage());
        }
        EhloExtensions extensions = ready.extensions();
        if (message.isEightBit() && !extensions.has("8BITMIME")) {
            return quit(results, null, "the server does not take 8-bit text (no 8BITMIME) and the body is not ASCII");
        }
        boolean pipelining = extensions.has("PIPELINING");

        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(message.from()).append('>');
        if (extensions.has("SIZE")) {
            mail.append(" SIZE=").append(data.length);
        }
        if (message.isEightBit()) {
            mail.append(" BODY=8BITMIME");
        }
        connection.send(mail.toString());
        SmtpReply mailReply = pipelining ? null : connection.readReply();
        if (mailReply != null && !mailReply.isPositiveCompletion()) {
            return quit(results, null, "the server refused the sender " + message.from() + ": " + mailReply.summary());
        }
        for (String recipient : message.to()) {
            connection.send("RCPT TO:<" + recipient + ">");
            if (!pipelining) {
                results.add(new RecipientResult(recipient, connection.readReply()));
            }
        }
        if (pipelining) {
            mailReply = connection.readReply();
            for (String recipient : message.to()) {
                results.add(new RecipientResult(recipient, connection.readReply()));
            }
            if (!mailReply.isPositiveCompletion()) {
                return quit(results, null, "the server refused the sender " + message.from() + ": "
                        + mailReply.summary());
            }
        }
        if (results.stream().noneMatch(RecipientResult::accepted)) {
            StringBuilder refusals = new StringBuilder("no recipient was accepted, so the message was not sent:");
            for (RecipientResult result : results) {
                refusals.append(' ').append(result.address()).append(" (").append(result.reply().summary()).append(')');
            }
            return quit(results, null, refusals.toString());
        }
        SmtpReply dataReply = connection.command("DATA");
        if (dataReply.code() != 354) {
            return quit(results, null, "the server refused DATA: " + dataReply.summary());
        }
        connection.sendData(data);
        SmtpReply messageReply = connection.readReply();
        return quit(results, messageReply, messageReply.isPositiveCompletion() ? null
                : "the server refused the message: " + messageReply.summary());
    }

    /** Ends the session with QUIT; its reply matters to no one once the outcome is known. */
    private Outcome quit(List<RecipientResult> results, SmtpReply messageReply, String failure) {
        try {
            connection.command("QUIT");
        } catch (IOException ignored) {
            // The outcome is settled; a server that left early changes nothing.
        }
        return new Outcome(results, messageReply, failure);
    }
}
