package org.smtpmonitor.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.smtpmonitor.text.Ascii;
import org.smtpmonitor.text.Printable;

/**
 * Sends a message that is already whole (a stored copy, as it was received) on to a server:
 * connect, TLS and AUTH as {@link Security} says, MAIL, RCPT for each recipient, DATA with
 * the bytes as they are, QUIT. Unlike {@link MessageSender} it writes no header: the point is
 * that the server receives what we received.
 *
 * <p>On the wire every line ends in CRLF (a bare LF or CR, which some clients send and which
 * a server may take for the end of data, RFC 5321 2.3.8, is sent as CRLF and counted in a
 * note) and is dot-stuffed, so that a server that stores what it receives stores the bytes we
 * hold. BODY=8BITMIME is given when a byte is outside ASCII, SMTPUTF8 when an address or a
 * header is UTF-8 and the server offers it.
 *
 * <p>Nothing here throws for what a server does: a server that cannot be reached, refuses, or
 * fails TLS gives a {@link Result} with the reason. The transcript never holds a credential
 * nor the message, and every line of it is printable.
 */
public final class MessageRelay {

    /** How long connecting and then each reply may take. */
    public record Timeouts(Duration connect, Duration reply) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    /**
     * What became of the message: each recipient's answer (accepted or refused), the reply to
     * the message's end (null when it was not sent), the reason it was not delivered at all
     * (null when it was), and the conversation.
     */
    public record Result(List<MessageSender.RecipientResult> recipients, SmtpReply messageReply, String failure,
                         List<String> transcript) {

        public Result {
            recipients = List.copyOf(recipients);
            transcript = List.copyOf(transcript);
        }

        /** True when the server took the message. */
        public boolean messageTaken() {
            return failure == null && messageReply != null && messageReply.isPositiveCompletion();
        }
    }

    private final String host;
    private final int port;
    private final Security security;
    private final Timeouts timeouts;
    private final List<String> transcript = new ArrayList<>();
    private final List<MessageSender.RecipientResult> recipients = new ArrayList<>();

    private MessageRelay(String host, int port, Security security, Timeouts timeouts) {
        this.host = host;
        this.port = port;
        this.security = security;
        this.timeouts = timeouts;
    }

    /**
     * Sends {@code message} from {@code from} (empty for the null sender, {@code MAIL FROM:<>})
     * to {@code to} through {@code host:port}.
     *
     * @param heloName the name given in EHLO
     */
    public static Result relay(String host, int port, Security security, Timeouts timeouts, String heloName,
                               String from, List<String> to, byte[] message) {
        return new MessageRelay(host, port, security, timeouts).run(heloName, from, to, message);
    }

    private Result run(String heloName, String from, List<String> to, byte[] message) {
        note("connecting to " + host + ":" + port);
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(host, port, timeouts.connect());
        } catch (IOException e) {
            return failed(ConnectionProblem.ofConnecting(e, host, port, timeouts.connect()));
        }
        try (connection) {
            connection.socket().setSoTimeout(millis(timeouts.reply()));
            TlsLayer tls = security.tls() == null ? null : security.tls().socketLayer(host, port);
            if (security.mode() == TlsMode.IMPLICIT) {
                secured(connection.startTls(tls));
            }
            return converse(connection, new SessionSetup(heloName, security, tls, new Watcher()), from, to, message);
        } catch (SessionRefused e) {
            return failed(e.getMessage());
        } catch (TlsException e) {
            note("TLS failed");
            return failed(e.getMessage());
        } catch (IOException e) {
            return failed(ConnectionProblem.ofSession(e, timeouts.reply()));
        }
    }

    private Result converse(SmtpConnection connection, SessionSetup setup, String from, List<String> to,
                            byte[] message) throws IOException {
        EhloExtensions extensions = setup.run(connection).extensions();
        byte[] wire = crlfLines(message);
        boolean eightBit = !isAscii(message, message.length);
        boolean utf8Addresses = !Ascii.isAscii(from) || to.stream().anyMatch(a -> !Ascii.isAscii(a));
        boolean utf8Headers = !isAscii(message, headerLength(message));
        if (utf8Addresses && !extensions.has("SMTPUTF8")) {
            return quit(connection, null, "the server does not take UTF-8 addresses (no SMTPUTF8), and the envelope"
                    + " has one");
        }
        if (eightBit && !extensions.has("8BITMIME") && !extensions.has("SMTPUTF8")) {
            return quit(connection, null, "the server does not take 8-bit text (no 8BITMIME) and the message is not"
                    + " ASCII");
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(from).append('>');
        if (extensions.has("SIZE")) {
            mail.append(" SIZE=").append(wire.length);
        }
        if (eightBit && extensions.has("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if ((utf8Addresses || utf8Headers) && extensions.has("SMTPUTF8")) {
            mail.append(" SMTPUTF8");
        }
        SmtpReply mailReply = command(connection, mail.toString());
        if (!mailReply.isPositiveCompletion()) {
            return quit(connection, null, "the server refused the sender <" + from + ">: " + mailReply.summary());
        }
        for (String recipient : to) {
            recipients.add(new MessageSender.RecipientResult(recipient, command(connection, "RCPT TO:<" + recipient + ">")));
        }
        if (recipients.stream().noneMatch(MessageSender.RecipientResult::accepted)) {
            return quit(connection, null, "no recipient was accepted, so the message was not sent");
        }
        SmtpReply dataReply = command(connection, "DATA");
        if (dataReply.code() != 354) {
            return quit(connection, null, "the server refused DATA: " + dataReply.summary());
        }
        if (wire.length != message.length) {
            note("bare line ends sent as CRLF: " + (wire.length - message.length) + " bytes added");
        }
        sent("<message data, " + wire.length + " bytes>");
        connection.sendData(wire);
        SmtpReply messageReply = connection.readReply();
        received(messageReply);
        return quit(connection, messageReply, messageReply.isPositiveCompletion() ? null
                : "the server refused the message: " + messageReply.summary());
    }

    private SmtpReply command(SmtpConnection connection, String command) throws IOException {
        sent(command);
        connection.send(command);
        SmtpReply reply = connection.readReply();
        received(reply);
        return reply;
    }

    /** Ends the session with QUIT; its reply is shown, but the outcome is settled. */
    private Result quit(SmtpConnection connection, SmtpReply messageReply, String failure) {
        try {
            command(connection, "QUIT");
        } catch (IOException | RuntimeException e) {
            note("no reply to QUIT: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return new Result(recipients, messageReply, failure, transcript);
    }

    private Result failed(String failure) {
        note(failure);
        return new Result(recipients, null, failure, transcript);
    }

    private void sent(String shown) {
        transcript.add(Printable.escape("C: " + shown));
    }

    private void received(SmtpReply reply) {
        for (String line : reply.lines()) {
            transcript.add(Printable.escape("S: " + line));
        }
    }

    private void secured(TlsHandshake handshake) {
        note(handshake.protocolName() + " " + handshake.cipherSuite() + ", certificate "
                + handshake.certificateSubject());
    }

    private void note(String text) {
        transcript.add(Printable.escape("-- " + text));
    }

    /** What the start of the session says, into the transcript; credentials arrive masked. */
    private final class Watcher implements SessionSetup.Transcript {
        @Override
        public void sent(String shownCommand) {
            MessageRelay.this.sent(shownCommand);
        }

        @Override
        public void received(SmtpReply reply) {
            MessageRelay.this.received(reply);
        }

        @Override
        public void secured(TlsHandshake handshake) {
            MessageRelay.this.secured(handshake);
        }

        @Override
        public void authenticated(String user, AuthMechanism mechanism, SmtpReply reply) {
            note("authenticated as " + user + " with " + mechanism);
        }
    }

    /**
     * {@code data} with every line ending CRLF: a bare LF or bare CR becomes CRLF. The same
     * array when there is none to change, the usual case.
     */
    static byte[] crlfLines(byte[] data) {
        int bare = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\r' && (i + 1 == data.length || data[i + 1] != '\n')
                    || data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
                bare++;
            }
        }
        if (bare == 0) {
            return data;
        }
        byte[] out = new byte[data.length + bare];
        int o = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == '\r' && (i + 1 == data.length || data[i + 1] != '\n')) {
                out[o++] = '\r';
                out[o++] = '\n';
            } else if (b == '\n' && (i == 0 || data[i - 1] != '\r')) {
                out[o++] = '\r';
                out[o++] = '\n';
            } else {
                out[o++] = b;
            }
        }
        return out;
    }

    /** Where the header ends: just after the first empty line, or the whole message. */
    static int headerLength(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n' && (i + 1 < data.length && data[i + 1] == '\n'
                    || i + 2 < data.length && data[i + 1] == '\r' && data[i + 2] == '\n')) {
                return i + 1;
            }
        }
        return data.length;
    }

    private static boolean isAscii(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }
}
