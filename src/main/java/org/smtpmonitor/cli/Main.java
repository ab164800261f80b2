package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.smtpmonitor.api.ApiServer;
import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.app.StartupException;
import org.smtpmonitor.app.TlsSettings;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.QueuedListener;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.smtp.SmtpConfig;
import org.smtpmonitor.text.Printable;
import org.smtpmonitor.ui.MonitorApp;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line: {@code smtp-monitor [USERS_FILE] [options]} opens the window (or, with
 * {@code --headless}, logs to the console), and the subcommands do the rest.
 * This class is also the launcher of the fat jar, which must not be an {@code Application}.
 */
@Command(name = "smtp-monitor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"A desktop SMTP server with a live monitor.",
                "Reads USERS_FILE (one address or bare name a line), creates an empty mailbox file",
                "<address>.txt for each user that has none, and delivers every accepted message to",
                "the end of its recipients' mailboxes. Without USERS_FILE the window asks for one."},
        subcommands = {CommandLine.HelpCommand.class, ClientCommand.class, SendCommand.class,
                BenchCommand.class, MailboxCommand.class, ExpectCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start (users file, mailbox directory, port, TLS certificate,"
                + " rules file)",
                "2:bad command line", "3:the server failed while running (a thread of it died, e.g. out of memory)"})
public final class Main implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "USERS_FILE",
            description = "The users file. Required with --headless; without it the window asks for one.")
    Path usersFile;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port to listen on (default: ${DEFAULT-VALUE}).")
    int port = Settings.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); 0.0.0.0 exposes the server to the network.")
    String bind = "127.0.0.1";

    @Option(names = "--mailbox-dir", paramLabel = "DIR",
            description = "Directory of the mailbox files (default: the working directory).")
    Path mailboxDirectory = Path.of("");

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Mailbox format: raw (the bytes as sent) or mbox (mboxrd). Default: raw.")
    String format = "raw";

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "Domain of users written as bare names (default: ${DEFAULT-VALUE}).")
    String domain = "localhost";

    @Option(names = "--max-message-size", paramLabel = "SIZE", converter = Units.Size.class,
            description = "Largest message accepted, e.g. 25MB, 512KB (default: 25MB).")
    long maxMessageSize = SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = Units.Size.class,
            description = "Most memory for message data held at once, by all sessions together, e.g. 64MB, 1GB; a "
                    + "message past it is read to its end but not kept, and gets 452 (try again later). Default: a "
                    + "quarter of the Java heap (-Xmx), but at least what a message of --max-message-size needs "
                    + "while it is received beside the small buffers the other sessions keep (48MB with the default "
                    + "limits), which is also the least allowed.")
    Long maxMemory;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Sessions served at once; one more gets a 421 (default: ${DEFAULT-VALUE}).")
    int maxConnections = Settings.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--idle-timeout", paramLabel = "TIME", converter = Units.Time.class,
            description = "Time a client has for each command, counted from the reply to the one before, and"
                    + " for each 64 KiB of message data; past it the session gets a 421 and is closed."
                    + " In seconds or with a unit: 90s, 5m (default: 300s).")
    Duration idleTimeout = Settings.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--catch-all",
            description = "Accept mail for every address, listed or not: each new address gets a mailbox file of its"
                    + " own on its first delivery (a listed user keeps its own). A users-file line *@example.com does"
                    + " the same for one domain.")
    boolean catchAll;

    @Option(names = "--require-helo-domain",
            description = "Refuse (550) a sender whose domain is not the HELO domain.")
    boolean requireHeloDomain;

    @Option(names = "--auth", paramLabel = "MODE",
            description = "SMTP AUTH (PLAIN, LOGIN, CRAM-MD5): off (not offered, the default), any (every user name"
                    + " and password accepted) or users (a user of USERS_FILE with the password written after its "
                    + "address: alice@example.com s3cret). Offered only over TLS unless --allow-insecure-auth.")
    String auth = "off";

    @Option(names = "--require-auth", description = "Refuse MAIL (530) until the client has authenticated; needs --auth.")
    boolean requireAuth;

    @Option(names = "--allow-insecure-auth",
            description = "Offer AUTH without TLS too: passwords then cross the network readable (fine on 127.0.0.1).")
    boolean allowInsecureAuth;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "Also take implicit-TLS connections (SMTPS, RFC 8314) on PORT: 465 by convention, 0 picks a "
                    + "free one. Default: none (STARTTLS on --port is always offered).")
    Integer tlsPort;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "The server's certificate chain, PEM (with --tls-key). Default: a self-signed certificate"
                    + " for --domain, made once and kept in .smtp-monitor/tls/ in the mailbox directory.")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The private key of --tls-cert, PEM: PKCS#8 or traditional RSA/EC, unencrypted.")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "The certificate and key in a PKCS12 keystore, instead of --tls-cert and --tls-key.")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
            description = "The password of --tls-keystore (default: empty).")
    String tlsKeystorePassword = "";

    @Option(names = "--require-tls",
            description = "Refuse MAIL (530 5.7.0) until the client has started TLS with STARTTLS"
                    + " (connections to --tls-port have it from the start).")
    boolean requireTls;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Scripted failures: a rules file whose rules change what the server answers at a step of a"
                    + " session (a reply of their own, a delay, closing the connection, storing a message nowhere,"
                    + " a throttle), for testing how a client copes; see docs/rules-example.txt. The window edits"
                    + " and switches them live. A file that does not parse stops the start, naming its line.")
    Path rulesFile;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve the HTTP API (JSON and live events, for tests and CI; docs/openapi.yaml) on PORT of"
                    + " --bind's address (0 for any free port). Off by default.")
    Integer httpPort;

    @Option(names = "--http-token", paramLabel = "TOKEN",
            description = "Make every HTTP API request carry 'Authorization: Bearer TOKEN'; others get 401.")
    String httpToken;

    /** Hidden: for bench/store.sh, which measures what the index costs a delivery. */
    @Option(names = "--no-index", hidden = true,
            description = "Keep no message index: mail is stored as usual, but cannot be listed or searched.")
    boolean noIndex;

    @Option(names = "--headless", description = "No window: serve in the foreground and log every session to the console.")
    boolean headless;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parser, with the subcommands, error handling and exit codes set up. */
    static CommandLine commandLine() {
        return commandLine(System.in);
    }

    /** The parser, its subcommands reading {@code stdin} (a test's input, or System.in). */
    static CommandLine commandLine(InputStream stdin) {
        CommandLine commandLine = new CommandLine(new Main(), new StdinFactory(stdin));
        // One line, as for every other error, rather than picocli's message plus the whole usage.
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(Printable.escape(name + ": " + e.getMessage() + " (see " + name + " --help)"));
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("smtp-monitor: " + Printable.escape(String.valueOf(e.getMessage())));
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        Settings settings;
        try {
            settings = settings();
        } catch (CommandLine.ParameterException e) {
            throw e;
        }
        if (headless) {
            if (usersFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--headless needs a USERS_FILE");
            }
            return runHeadless(settings);
        }
        return MonitorApp.run(usersFile, settings);
    }

    Settings settings() {
        CommandLine cmd = spec.commandLine();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(cmd, "--bind: '" + bind + "' is not an address of this machine");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cmd, "--port: " + port + " is not between 0 and 65535");
        }
        if (maxConnections < 1) {
            throw new CommandLine.ParameterException(cmd, "--max-connections: must be at least 1");
        }
        if (maxMessageSize > Integer.MAX_VALUE - 8) {
            throw new CommandLine.ParameterException(cmd, "--max-message-size: at most 2GB");
        }
        try {
            Settings.formatNamed(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--format: " + e.getMessage());
        }
        AuthMode authMode;
        try {
            authMode = AuthMode.named(auth);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--auth: " + e.getMessage());
        }
        if (requireAuth && authMode == AuthMode.OFF) {
            throw new CommandLine.ParameterException(cmd, "--require-auth needs --auth any or --auth users");
        }
        String problem = Settings.checkDomain(domain);
        if (problem != null) {
            throw new CommandLine.ParameterException(cmd, "--domain: " + problem);
        }
        long needed = Settings.minimumMaxMemory(maxMessageSize, maxConnections);
        if (maxMemory != null && maxMemory < needed) {
            throw new CommandLine.ParameterException(cmd, "--max-memory: " + megabytes(maxMemory) + " is too small: "
                    + "a message of --max-message-size " + megabytes(maxMessageSize) + " with --max-connections "
                    + maxConnections + " needs at least " + megabytes(needed));
        }
        return new Settings(address, port, mailboxDirectory, Settings.formatNamed(format), domain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain,
                maxMemory != null ? maxMemory : Settings.defaultMaxMemory(maxMessageSize, maxConnections), !noIndex,
                tlsSettings(), AuthPolicy.of(authMode, requireAuth, allowInsecureAuth), rulesFile, catchAll,
                httpSettings());
    }

    private HttpSettings httpSettings() {
        CommandLine cmd = spec.commandLine();
        if (httpPort == null) {
            if (httpToken != null) {
                throw new CommandLine.ParameterException(cmd, "--http-token needs --http-port");
            }
            return HttpSettings.OFF;
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new CommandLine.ParameterException(cmd, "--http-port: " + httpPort + " is not between 0 and 65535");
        }
        if (httpPort != 0 && (httpPort == port || tlsPort != null && httpPort.equals(tlsPort))) {
            throw new CommandLine.ParameterException(cmd, "--http-port: " + httpPort + " is an SMTP port already");
        }
        if (httpToken != null && (httpToken.isEmpty() || !httpToken.matches("[\\x21-\\x7e]+"))) {
            throw new CommandLine.ParameterException(cmd, "--http-token: must be printable ASCII without spaces");
        }
        return new HttpSettings(httpPort, httpToken);
    }

    private TlsSettings tlsSettings() {
        CommandLine cmd = spec.commandLine();
        if (tlsPort != null && (tlsPort < 0 || tlsPort > 65535)) {
            throw new CommandLine.ParameterException(cmd, "--tls-port: " + tlsPort + " is not between 0 and 65535");
        }
        if (tlsPort != null && tlsPort != 0 && tlsPort == port) {
            throw new CommandLine.ParameterException(cmd, "--tls-port: " + tlsPort + " is --port already");
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(cmd, tlsCertificate == null ? "--tls-key needs --tls-cert"
                    : "--tls-cert needs --tls-key");
        }
        if (tlsKeystore != null && tlsCertificate != null) {
            throw new CommandLine.ParameterException(cmd, "--tls-keystore or --tls-cert and --tls-key, not both");
        }
        return new TlsSettings(tlsPort == null ? TlsSettings.defaults().implicitPort() : tlsPort, tlsCertificate,
                tlsKey, tlsKeystore, tlsKeystorePassword, requireTls);
    }

    /** Bytes in MB, rounded up (so that a limit is never shown smaller than it is). */
    private static String megabytes(long bytes) {
        return bytes % 1048576 == 0 ? bytes / 1048576 + "MB" : bytes + " bytes (" + (bytes / 1048576 + 1) + "MB)";
    }

    private int runHeadless(Settings settings) {
        PrintWriter err = spec.commandLine().getErr();
        ConsoleLog log = new ConsoleLog(System.out);
        EventBus events = new EventBus();
        QueuedListener listener = new QueuedListener("console-log", 262_144, 20, TimeUnit.MILLISECONDS, log::print, log::dropped);
        events.subscribe(listener);
        // Ended by SIGTERM (through the shutdown hook) or by a failure of the server.
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        // Made before the start, so that the sessions it holds and the events it streams miss nothing.
        ApiServer api = settings.http().enabled() ? new ApiServer(events, settings.http()) : null;
        Monitor monitor;
        try {
            monitor = Monitor.start(usersFile, settings, events, (message, cause) -> {
                failure.set(message);
                stopped.countDown();
            });
        } catch (StartupException e) {
            closeQuietly(listener);
            err.println("smtp-monitor: " + Printable.escape(e.getMessage()));
            err.flush();
            return 1;
        }
        if (api != null) {
            try {
                api.start(monitor, settings.bindAddress());
            } catch (IOException e) {
                monitor.close();
                closeQuietly(listener);
                err.println("smtp-monitor: " + Printable.escape(String.valueOf(e.getMessage())));
                err.flush();
                return 1;
            }
            System.out.println("HTTP API on " + api.url() + (api.tokenRequired() ? " (bearer token required)" : ""));
            System.out.flush();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (api != null) {
                api.close();
            }
            monitor.close();
            closeQuietly(listener);
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            // The server has stopped already; exiting runs the shutdown hook, which closes the rest.
            err.println("smtp-monitor: the server failed and has stopped: " + failure.get());
            err.flush();
            return 3;
        }
        return 0;
    }

    private static void closeQuietly(QueuedListener listener) {
        try {
            listener.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Creates the subcommands that read standard input with the given one. */
    private record StdinFactory(InputStream stdin) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ClientCommand.class) {
                return type.cast(new ClientCommand(stdin));
            }
            if (type == SendCommand.class) {
                return type.cast(new SendCommand(stdin));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The version from the build, for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/org/smtpmonitor/version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"smtp-monitor " + properties.getProperty("version", "unknown")};
        }
    }
}
