package org.smtpmonitor.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import org.smtpmonitor.text.Printable;

/**
 * The interactive console: prints the server's greeting, sends each line typed as a
 * command and prints its whole reply, and after a {@code 354} sends the lines typed as
 * message data until a line holding only {@code .}.
 *
 * <p>Lines go out as the bytes typed (commands and message alike), so 8-bit message
 * text arrives exactly as the terminal or the piped file encoded it. What is printed (the
 * replies, echoed lines, errors) is escaped ({@link Printable}): a server's control bytes
 * must not command the user's terminal.
 *
 * <p>After a {@code 220} to a STARTTLS typed in the clear, the console does the TLS
 * handshake, shows its outcome ({@code -- TLS 1.3 ...}) and goes on over TLS: the person
 * types EHLO again, as RFC 3207 asks. A {@link SessionSetup} may do the start of the session
 * first (STARTTLS, AUTH), shown as if typed; a credential is never shown, neither sent by
 * it nor typed after a {@code 334} (with echo): {@code AUTH PLAIN ****}.
 */
public final class ConsoleClient {

    /** Exit status: the session ended (QUIT, end of input, or the server closed it). */
    public static final int ENDED = 0;
    /** Exit status: the session broke (a timeout, a malformed reply, input ended inside a message). */
    public static final int FAILED = 1;

    static final String COMMAND_PROMPT = "smtp> ";
    static final String DATA_PROMPT = "data> ";
    /** Before the outcome of a handshake: {@code -- TLS 1.3 ...}. */
    static final String TLS_PREFIX = "-- ";
    private static final int GO_ON = -1;

    private final SmtpConnection connection;
    private final SessionSetup setup;
    private final Supplier<TlsLayer> typedStartTls;
    private final InputLines input;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean prompts;
    private final boolean echo;
    private final Duration timeout;
    /** The last reply was a 334: the next line typed is a credential. */
    private boolean credentialNext;

    /**
     * @param security with STARTTLS or AUTH, the console starts the session itself
     *                 (greeting, EHLO, STARTTLS, AUTH), its dialogue shown; otherwise all
     *                 is left to the person after the greeting
     * @param heloName the name in the console's own EHLO
     * @param tlsLayer the TLS layer for STARTTLS, the console's or one the person types
     * @param prompts  show a prompt before each line is read (for a person at a terminal;
     *                 piped output stays free of them)
     * @param echo     print each line read after its prompt, so the output of a piped
     *                 session reads like one typed at a terminal
     * @param timeout  the connection's reply timeout, for the message when it passes
     */
    public ConsoleClient(SmtpConnection connection, Security security, String heloName, Supplier<TlsLayer> tlsLayer,
                         InputStream in, PrintWriter out, PrintWriter err, boolean prompts, boolean echo,
                         Duration timeout) {
        this.connection = connection;
        this.setup = security.mode() == TlsMode.STARTTLS || security.authenticates()
                ? new SessionSetup(heloName, security, security.mode() == TlsMode.STARTTLS ? tlsLayer.get() : null,
                        transcript())
                : null;
        this.typedStartTls = tlsLayer;
        this.input = new InputLines(in);
        this.out = out;
        this.err = err;
        this.prompts = prompts;
        this.echo = echo;
        this.timeout = timeout;
    }

    /** Runs the session to its end; returns {@link #ENDED} or {@link #FAILED}. */
    public int run() {
        try {
            if (connection.tls() != null) {
                showTls(connection.tls());
            }
            if (setup != null) {
                // A refusal (SessionRefused) is told and ends the session as any I/O failure, below.
                setup.run(connection);
            } else {
                SmtpReply greeting = connection.readReply();
                print(greeting);
                if (greeting.closesConnection()) {
                    return ENDED;
                }
            }
            while (true) {
                byte[] line = next(COMMAND_PROMPT);
                if (line == null) {
                    quitQuietly();
                    return ENDED;
                }
                connection.sendLine(line);
                SmtpReply reply = connection.readReply();
                print(reply);
                if (reply.closesConnection()) {
                    return ENDED;
                }
                credentialNext = reply.code() == 334;
                if (reply.code() == 220 && connection.tls() == null && isStartTls(line)) {
                    showTls(connection.startTls(typedStartTls.get()));
                }
                if (reply.code() == 354) {
                    int status = sendMessage();
                    if (status != GO_ON) {
                        return status;
                    }
                }
            }
        } catch (EOFException e) {
            complain(e.getMessage());
            return ENDED;
        } catch (IOException e) {
            complain(ConnectionProblem.ofSession(e, timeout));
            return FAILED;
        }
    }

    /** Message mode: lines typed are message data until a line of only ".". */
    private int sendMessage() throws IOException {
        while (true) {
            byte[] line = next(DATA_PROMPT);
            if (line == null) {
                complain("end of input in the middle of a message: the message was not sent"
                        + " (a line holding only '.' ends a message)");
                return FAILED;
            }
            if (line.length == 1 && line[0] == '.') {
                connection.endData();
                SmtpReply reply = connection.readReply();
                print(reply);
                return reply.closesConnection() ? ENDED : GO_ON;
            }
            connection.sendDataLine(line);
            if (prompts) {
                // A person types slowly: let the server see each line, so its idle timer
                // does not run out while the message is still being written.
                connection.flush();
            }
        }
    }

    private byte[] next(String prompt) throws IOException {
        if (prompts && !echo) {
            out.print(prompt);
            out.flush();
        }
        byte[] line = input.next();
        if (line == null && prompts && !echo) {
            out.println();
            out.flush();
        }
        if (line != null && echo) {
            out.println(prompt + Printable.escape(shown(line)));
            out.flush();
        }
        return line;
    }

    /** A typed line as echoed: a credential masked, as after {@code AUTH PLAIN} or a {@code 334}. */
    private String shown(byte[] line) {
        if (credentialNext) {
            return AuthExchange.SHOWN_RESPONSE;
        }
        String text = new String(line, StandardCharsets.UTF_8);
        String[] words = text.strip().split(" +", 3);
        if (words.length == 3 && words[0].equalsIgnoreCase("AUTH")) {
            return words[0] + " " + words[1] + " " + AuthExchange.SHOWN_RESPONSE;
        }
        return text;
    }

    private static boolean isStartTls(byte[] line) {
        return new String(line, StandardCharsets.US_ASCII).strip().toUpperCase(Locale.ROOT).equals("STARTTLS");
    }

    private void showTls(TlsHandshake handshake) {
        out.println(TLS_PREFIX + Printable.escape(handshake.summary()));
        out.flush();
    }

    /** The dialogue of a {@link SessionSetup}, shown as a typed one. */
    private SessionSetup.Transcript transcript() {
        return new SessionSetup.Transcript() {
            @Override
            public void sent(String shownCommand) {
                out.println(COMMAND_PROMPT + Printable.escape(shownCommand));
                out.flush();
            }

            @Override
            public void received(SmtpReply reply) {
                print(reply);
            }

            @Override
            public void secured(TlsHandshake handshake) {
                showTls(handshake);
            }
        };
    }

    /** End of input: leave politely; the reply is of no interest to anyone now. */
    private void quitQuietly() {
        try {
            connection.send("QUIT");
            connection.readReply();
        } catch (IOException ignored) {
            // The connection is closed next either way.
        }
    }

    private void print(SmtpReply reply) {
        for (String line : reply.lines()) {
            out.println(Printable.escape(line));
        }
        out.flush();
    }

    private void complain(String message) {
        out.flush();
        err.println("smtp-monitor client: " + Printable.escape(message));
        err.flush();
    }
}
