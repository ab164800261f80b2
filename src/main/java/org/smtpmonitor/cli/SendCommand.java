package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.Callable;

import org.smtpmonitor.client.AuthMechanism;
import org.smtpmonitor.client.ConnectionProblem;
import org.smtpmonitor.client.MessageSender;
import org.smtpmonitor.client.OutgoingMessage;
import org.smtpmonitor.client.Security;
import org.smtpmonitor.client.SessionSetup;
import org.smtpmonitor.client.SmtpConnection;
import org.smtpmonitor.client.SmtpReply;
import org.smtpmonitor.client.TlsHandshake;
import org.smtpmonitor.client.TlsLayer;
import org.smtpmonitor.client.TlsMode;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smtp-monitor send}: one message through a whole SMTP dialogue. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        header = "Sends one message through a whole SMTP dialogue.",
        description = {"EHLO, MAIL, RCPT for each recipient, DATA, QUIT. The message gets Date, From,",
                "To, Subject and Message-ID headers; a body that is not ASCII is sent as UTF-8",
                "(8BITMIME), a subject that is not ASCII as RFC 2047 encoded-words. Prints the",
                "server's answer for each recipient. With --starttls or --tls it prints the TLS",
                "handshake's outcome (tls: ...), with --auth who authenticated (auth: ...)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every recipient accepted and the message delivered",
                "1:a recipient, the sender or the message refused, no connection, or TLS or AUTH failed (the reason on stderr)",
                "2:bad command line, or a body file that cannot be read"},
        footerHeading = "%nExample:%n",
        footer = {"  $ smtp-monitor send --from me@example.org --to alice@example.com \\",
                "        --subject hello --body 'Hi Alice!'",
                "  alice@example.com: accepted: 250 OK",
                "  sent: 250 OK: queued as TOZWE41.1"})
final class SendCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "The sender, local@domain.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS",
            description = "A recipient; repeat for more: --to a@x --to b@x.")
    List<String> to;

    @Option(names = "--subject", paramLabel = "TEXT", description = "The subject (default: empty).")
    String subject = "";

    @ArgGroup(exclusive = true)
    Body body;

    static final class Body {
        @Option(names = "--body", paramLabel = "TEXT", description = "The message text.")
        String text;

        @Option(names = "--body-file", paramLabel = "FILE",
                description = "A UTF-8 file holding the message text; - reads standard input.")
        Path file;
    }

    @Option(names = "--helo", paramLabel = "NAME",
            description = "The name given in EHLO (default: the sender's domain).")
    String helo;

    @CommandLine.Mixin
    ServerAddress server;

    @CommandLine.Mixin
    SecurityOptions securityOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    SendCommand() {
        this(System.in);
    }

    SendCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        server.check(spec.commandLine());
        Security security = securityOptions.security(spec.commandLine(), false);
        OutgoingMessage message;
        try {
            String text = body == null ? "" : body.text != null ? body.text : readBody(body.file);
            message = new OutgoingMessage(from, to, subject, text, ZonedDateTime.now(), OutgoingMessage.newMessageId(from));
            message.toBytes(); // checks the body's lines before anything is sent
        } catch (IllegalArgumentException | IOException e) {
            return fail(err, 2, e.getMessage());
        }
        String heloName = helo != null ? helo : from.substring(from.lastIndexOf('@') + 1);
        securityOptions.warn(err, "send", security);
        TlsLayer tls = security.tls() == null ? null : security.tls().socketLayer(server.host, server.port);
        MessageSender.Outcome outcome;
        try (SmtpConnection connection = open(err)) {
            if (connection == null) {
                return 1;
            }
            try {
                if (security.mode() == TlsMode.IMPLICIT) {
                    showTls(out, connection.startTls(tls));
                }
                SessionSetup setup = new SessionSetup(heloName, security, tls, transcript(out));
                outcome = new MessageSender(connection, setup).send(message);
            } catch (IOException e) {
                return fail(err, 1, ConnectionProblem.ofSession(e, server.timeout));
            }
        } catch (IOException e) {
            return fail(err, 1, "closing the connection failed: " + e.getMessage());
        }
        return report(outcome, out, err);
    }

    private SmtpConnection open(PrintWriter err) {
        try {
            return SmtpConnection.open(server.host, server.port, server.timeout);
        } catch (IOException e) {
            fail(err, 1, ConnectionProblem.ofConnecting(e, server.host, server.port, server.timeout));
            return null;
        }
    }

    /** What the start of the session did that the person should see: TLS, and who authenticated. */
    private static SessionSetup.Transcript transcript(PrintWriter out) {
        return new SessionSetup.Transcript() {
            @Override
            public void secured(TlsHandshake handshake) {
                showTls(out, handshake);
            }

            @Override
            public void authenticated(String user, AuthMechanism mechanism, SmtpReply reply) {
                out.println(Printable.escape("auth: " + user + " with " + mechanism + ": " + reply.summary()));
                out.flush();
            }
        };
    }

    private static void showTls(PrintWriter out, TlsHandshake handshake) {
        out.println("tls: " + Printable.escape(handshake.summary()));
        out.flush();
    }

    private static int report(MessageSender.Outcome outcome, PrintWriter out, PrintWriter err) {
        for (MessageSender.RecipientResult result : outcome.recipients()) {
            out.println(Printable.escape(result.address() + ": " + (result.accepted() ? "accepted: " : "refused: ")
                    + result.reply().summary()));
        }
        if (outcome.messageReply() != null && outcome.messageReply().isPositiveCompletion()) {
            out.println("sent: " + Printable.escape(outcome.messageReply().summary()));
        }
        out.flush();
        if (outcome.failure() != null) {
            return fail(err, 1, outcome.failure());
        }
        if (!outcome.deliveredToAll()) {
            List<MessageSender.RecipientResult> refused = outcome.recipients().stream()
                    .filter(result -> !result.accepted()).toList();
            StringBuilder message = new StringBuilder("not sent to ").append(refused.size()).append(" of ")
                    .append(outcome.recipients().size()).append(" recipients:");
            for (MessageSender.RecipientResult result : refused) {
                message.append(' ').append(result.address()).append(" (").append(result.reply().summary()).append(')');
            }
            return fail(err, 1, message.toString());
        }
        return 0;
    }

    /** The body file as text; it must be UTF-8, or the message would say a charset it does not have. */
    private String readBody(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = file.toString().equals("-") ? stdin.readAllBytes() : Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("--body-file: " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException("--body-file: " + file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("--body-file: " + file + ": not UTF-8 text", e);
        }
    }

    private static int fail(PrintWriter err, int status, String message) {
        err.println("smtp-monitor send: " + Printable.escape(message));
        err.flush();
        return status;
    }
}
