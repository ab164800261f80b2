package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.smtpmonitor.client.ConnectionProblem;
import org.smtpmonitor.client.ConsoleClient;
import org.smtpmonitor.client.Security;
import org.smtpmonitor.client.SmtpConnection;
import org.smtpmonitor.client.TlsLayer;
import org.smtpmonitor.client.TlsMode;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smtp-monitor client}: type SMTP commands to a server and read its replies. */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        header = "An interactive SMTP console: type commands, read the server's replies.",
        description = {"Connects, prints the server's greeting, sends each line you type (with CRLF)",
                "and prints the whole reply. After a 354 reply to DATA, the lines you type are",
                "the message (a line starting with '.' is dot-stuffed) until a line holding",
                "only '.'. QUIT, Ctrl-D or the end of piped input ends the session.",
                "Input may be piped in: smtp-monitor client < session.txt",
                "After a 220 reply to a STARTTLS you type, the client does the TLS handshake,",
                "shows its outcome (-- TLS 1.3 ...) and goes on over TLS: type EHLO again.",
                "With --starttls or --auth it starts the session itself (EHLO, STARTTLS, AUTH),",
                "shown as if typed; a password is shown as ****."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the session ended (QUIT, end of input, or the server closed it)",
                "1:could not connect, TLS or AUTH failed, no reply in time, a malformed reply, or input ended inside a message",
                "2:bad command line"},
        footerHeading = "%nExample session (you type the lines after the prompts):%n",
        footer = {"  $ smtp-monitor client",
                "  220 example.com ESMTP smtp-monitor ready",
                "  smtp> HELO me",
                "  250 example.com Hello me",
                "  smtp> MAIL FROM:<me@example.org>",
                "  250 OK",
                "  smtp> RCPT TO:<alice@example.com>",
                "  250 OK",
                "  smtp> DATA",
                "  354 Start mail input; end with <CRLF>.<CRLF>",
                "  data> Subject: hello",
                "  data>",
                "  data> Hi Alice!",
                "  data> .",
                "  250 OK: queued as TOZWE41.1",
                "  smtp> QUIT",
                "  221 example.com Service closing transmission channel"})
final class ClientCommand implements Callable<Integer> {

    @Option(names = "--echo", description = "Print each line read after its prompt, so that the output of a piped"
            + " session reads like a typed one.")
    boolean echo;

    @Option(names = "--helo", paramLabel = "NAME",
            description = "The name in the client's own EHLO, with --starttls or --auth (default: ${DEFAULT-VALUE}).")
    String helo = "localhost";

    @CommandLine.Mixin
    ServerAddress server;

    @CommandLine.Mixin
    SecurityOptions securityOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    ClientCommand() {
        this(System.in);
    }

    ClientCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        server.check(spec.commandLine());
        Security security = securityOptions.security(spec.commandLine(), true);
        Supplier<TlsLayer> tls = securityOptions.layer(security, server.host, server.port);
        securityOptions.warn(err, "client", security);
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(server.host, server.port, server.timeout);
        } catch (IOException e) {
            return fail(err, ConnectionProblem.ofConnecting(e, server.host, server.port, server.timeout));
        }
        // Prompts only for a person at a terminal: piped output is the replies alone.
        boolean prompts = stdin == System.in && System.console() != null;
        try (connection) {
            if (security.mode() == TlsMode.IMPLICIT) {
                try {
                    connection.startTls(tls.get());
                } catch (IOException e) {
                    return fail(err, ConnectionProblem.ofSession(e, server.timeout));
                }
            }
            return new ConsoleClient(connection, security, helo, tls, stdin, out, err, prompts, echo, server.timeout)
                    .run();
        } catch (IOException e) {
            return ConsoleClient.ENDED; // closing failed: the session is over anyway
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("smtp-monitor client: " + Printable.escape(message));
        err.flush();
        return ConsoleClient.FAILED;
    }
}
