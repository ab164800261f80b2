package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.smtpmonitor.client.ConnectionProblem;
import org.smtpmonitor.client.ConsoleClient;
import org.smtpmonitor.client.SmtpConnection;
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
                "Input may be piped in: smtp-monitor client < session.txt"},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the session ended (QUIT, end of input, or the server closed it)",
                "1:could not connect, no reply in time, a malformed reply, or input ended inside a message",
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

    @CommandLine.Mixin
    ServerAddress server;

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
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(server.host, server.port, server.timeout);
        } catch (IOException e) {
            err.println("smtp-monitor client: "
                    + Printable.escape(ConnectionProblem.ofConnecting(e, server.host, server.port, server.timeout)));
            err.flush();
            return ConsoleClient.FAILED;
        }
        // Prompts only for a person at a terminal: piped output is the replies alone.
        boolean prompts = stdin == System.in && System.console() != null;
        try (connection) {
            return new ConsoleClient(connection, stdin, out, err, prompts, echo, server.timeout).run();
        } catch (IOException e) {
            return ConsoleClient.ENDED; // closing failed: the session is over anyway
        }
    }
}
