package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.smtpmonitor.client.LoadGenerator;
import org.smtpmonitor.client.MailboxVerifier;
import org.smtpmonitor.client.OutgoingMessage;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smtp-monitor bench}: an SMTP load generator, and a check that every message landed. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        header = "Sends N messages over C connections and measures the server.",
        description = {"Opens C connections (greeting and EHLO before the clock starts), then sends",
                "N messages of BYTES bytes each, shared among them, as fast as the server takes",
                "them: MAIL, RCPT, DATA in a loop, lock-step or pipelined. Prints messages/s,",
                "MB/s (message bytes, 1 MB = 10^6 bytes), the latency of each transaction (MAIL",
                "FROM sent to the final 250) at p50/p90/p99/max, and the errors. Each message",
                "carries a header X-Bench-Id: <run id>-<n>; --verify-mailbox counts them.",
                "With --starttls or --tls each connection does its TLS handshake once, before",
                "the clock starts (the handshake times are reported apart), and --auth",
                "authenticates each connection once, then. With --messages-per-connection,",
                "connections are opened while the clock runs, their handshakes in the rate."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every message accepted (and found exactly once, with --verify-mailbox)",
                "1:a transaction failed, a message missing or duplicated, or no connection",
                "2:bad command line"},
        footerHeading = "%nExample:%n",
        footer = {"  $ smtp-monitor bench --conns 20 --messages 50000 --rcpt alice@example.com \\",
                "        --pipelining --verify-mailbox alice@example.com.txt"})
final class BenchCommand implements Callable<Integer> {

    /** A bound on memory: every connection holds its own copy of the message. */
    static final int MAX_SIZE = 64 * 1024 * 1024;

    @Option(names = "--conns", paramLabel = "C", description = "Connections at once (default: ${DEFAULT-VALUE}).")
    int connections = 1;

    @Option(names = "--messages", paramLabel = "N", description = "Messages in all (default: ${DEFAULT-VALUE}).")
    int messages = 1000;

    @Option(names = "--size", paramLabel = "BYTES", converter = Units.Size.class,
            description = "Size of each message as sent, headers and body: 1024, 100KB (default: 1024).")
    long size = 1024;

    @Option(names = "--rcpt", required = true, paramLabel = "ADDRESS",
            description = "A recipient of every message; repeat for more: --rcpt a@x --rcpt b@x.")
    List<String> recipients;

    @Option(names = "--spread",
            description = "Send each message to one of the --rcpt addresses in turn (message n to the n-th, cycling),"
                    + " not to all of them; its To: header names that one.")
    boolean spread;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "The sender (default: ${DEFAULT-VALUE}).")
    String from = "bench@localhost";

    @Option(names = "--pipelining",
            description = "Send MAIL, RCPT and DATA in one write (RFC 2920), when the server offers it.")
    boolean pipelining;

    @Option(names = "--messages-per-connection", paramLabel = "M",
            description = "Open a new connection for every M messages, while the clock runs: each one's connect, "
                    + "greeting, EHLO, TLS handshake and AUTH are then in the rate, as for applications that send "
                    + "each message on a connection of their own (M = 1). C connections at once, each driven by a "
                    + "thread of its own. Default: each connection is set up before the clock starts and stays for "
                    + "its whole share.")
    Integer messagesPerConnection;

    @Option(names = "--warmup", paramLabel = "N",
            description = "First send N messages the same way, on their own connections, and count none of them:"
                    + " the run is then measured with the JIT compilers of the generator and a Java server done"
                    + " (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = "--verify-mailbox", paramLabel = "FILE",
            description = "Afterwards, check that every message of this run is in FILE (raw or mbox) exactly once.")
    Path verifyMailbox;

    @CommandLine.Mixin
    ServerAddress server;

    @CommandLine.Mixin
    SecurityOptions securityOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadGenerator.Options options = options();
        LoadGenerator generator = new LoadGenerator(options);
        try {
            generator.messages(); // checks that the size holds the headers before anything is sent
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        securityOptions.warn(err, "bench", options.security());
        LoadGenerator.Result result;
        try {
            if (warmup > 0 && !warmUp(err, options)) {
                return 1;
            }
            result = generator.run(note -> fail(err, note));
        } catch (LoadGenerator.SetupException e) {
            fail(err, e.getMessage());
            return 1;
        }
        for (String problem : result.problems()) {
            fail(err, problem);
        }
        MailboxVerifier.Result verified = null;
        if (verifyMailbox != null) {
            try {
                verified = new MailboxVerifier(result.runId(), messages).verify(verifyMailbox);
            } catch (NoSuchFileException e) {
                fail(err, "--verify-mailbox: " + verifyMailbox + ": no such file");
                verified = new MailboxVerifier.Result(0, messages, 0);
            } catch (IOException e) {
                fail(err, "--verify-mailbox: " + verifyMailbox + ": cannot read: " + e.getMessage());
                verified = new MailboxVerifier.Result(0, messages, 0);
            }
        }
        BenchReport report = new BenchReport(options, result, verified, warmup);
        if (json) {
            out.println(report.json());
        } else {
            out.print(report.text());
        }
        out.flush();
        return report.success() ? 0 : 1;
    }

    /** The warm-up run (its messages have their own run id); false, with the reasons told, if it failed. */
    private boolean warmUp(PrintWriter err, LoadGenerator.Options measured) throws LoadGenerator.SetupException {
        LoadGenerator.Options options = new LoadGenerator.Options(measured.host(), measured.port(),
                Math.min(measured.connections(), warmup), warmup, measured.size(), measured.from(),
                measured.recipients(), measured.spread(), measured.pipelining(), measured.timeout(),
                measured.security(), measured.messagesPerConnection());
        LoadGenerator.Result result = new LoadGenerator(options).run(note -> { });
        if (result.errors() == 0 && result.ok() == warmup) {
            return true;
        }
        fail(err, "the warm-up failed: " + result.ok() + " of " + warmup + " messages accepted");
        for (String problem : result.problems()) {
            fail(err, "warm-up: " + problem);
        }
        return false;
    }

    private LoadGenerator.Options options() {
        CommandLine cmd = spec.commandLine();
        server.check(cmd);
        if (messages < 1) {
            throw new CommandLine.ParameterException(cmd, "--messages: must be at least 1");
        }
        if (connections < 1 || connections > messages) {
            throw new CommandLine.ParameterException(cmd, "--conns: must be between 1 and --messages (" + messages + ")");
        }
        if (messagesPerConnection != null && (messagesPerConnection < 1 || messagesPerConnection > messages)) {
            throw new CommandLine.ParameterException(cmd, "--messages-per-connection: must be between 1 and --messages ("
                    + messages + ")");
        }
        if (warmup < 0) {
            throw new CommandLine.ParameterException(cmd, "--warmup: must not be negative");
        }
        if (size > MAX_SIZE) {
            throw new CommandLine.ParameterException(cmd, "--size: at most " + MAX_SIZE + " bytes (64MB)");
        }
        if (spread && size * recipients.size() > MAX_SIZE) {
            // Each connection holds a message for each recipient.
            throw new CommandLine.ParameterException(cmd, "--size: at most " + MAX_SIZE / recipients.size()
                    + " bytes with --spread over " + recipients.size() + " recipients (64MB in all)");
        }
        for (String address : recipients) {
            checkAddress(cmd, "--rcpt", address);
        }
        checkAddress(cmd, "--from", from);
        return new LoadGenerator.Options(server.host, server.port, connections, messages, (int) size, from, recipients,
                spread, pipelining, server.timeout, securityOptions.security(cmd, false),
                messagesPerConnection == null ? LoadGenerator.Options.WHOLE_SHARE : messagesPerConnection);
    }

    private static void checkAddress(CommandLine cmd, String option, String address) {
        String problem = OutgoingMessage.checkAddress(address);
        if (problem != null) {
            throw new CommandLine.ParameterException(cmd, option + ": '" + address + "' is not an address: " + problem);
        }
    }

    private static void fail(PrintWriter err, String message) {
        err.println("smtp-monitor bench: " + Printable.escape(message));
        err.flush();
    }
}
