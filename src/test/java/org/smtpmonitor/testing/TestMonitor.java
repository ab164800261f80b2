package org.smtpmonitor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.app.StartupException;
import org.smtpmonitor.app.TlsCertificate;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;

/**
 * A real monitor (users file, mailboxes, server on 127.0.0.1 and an ephemeral port)
 * started as the app starts it, in a test's temporary directory, with every event it
 * publishes recorded.
 */
public final class TestMonitor implements AutoCloseable {

    /** The users of every test monitor; the greeting names the first one's domain. */
    public static final String USERS = "# test users\nalice@example.com\nbob@example.com\n  carol  \n";

    private final Path directory;
    private final Monitor monitor;
    private final EventRecorder events;

    private TestMonitor(Path directory, Monitor monitor, EventRecorder events) {
        this.directory = directory;
        this.monitor = monitor;
        this.events = events;
    }

    /** Default settings but for port 0 and the mailbox directory. */
    public static Settings settings(Path directory) {
        return Settings.defaults().withPort(0).withMailboxDirectory(directory);
    }

    /** Default settings but for port 0, the mailbox directory and its format. */
    public static Settings settings(Path directory, MailboxFormat format) {
        Settings d = Settings.defaults();
        return settings(directory, format, d.maxMessageSize(), d.maxConnections(), d.idleTimeout(), d.requireHeloDomain());
    }

    /** Settings with the limits a test wants to reach quickly. */
    public static Settings settings(Path directory, MailboxFormat format, long maxMessageSize, int maxConnections,
                                    Duration idleTimeout, boolean requireHeloDomain) {
        return new Settings(InetAddress.getLoopbackAddress(), 0, directory, format, "localhost", maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain);
    }

    public static TestMonitor start(Path directory) throws IOException, StartupException {
        return start(directory, settings(directory));
    }

    /**
     * Starts a monitor that checks AUTH against the users file, which gives alice
     * {@code password} and bob none: AUTH required, without TLS too, a failure answered
     * after 100 ms, 3 failures a session.
     */
    public static TestMonitor startCheckingPasswords(Path directory, String password)
            throws IOException, StartupException {
        Files.writeString(directory.resolve("users.txt"), "alice@example.com " + password + "\nbob@example.com\n");
        return start(directory, settings(directory)
                .withAuth(new AuthPolicy(AuthMode.USERS, true, true, Duration.ofMillis(100), 3)));
    }

    /** Starts a monitor whose event bus has {@code listeners} besides the recorder. */
    @SafeVarargs
    public static TestMonitor start(Path directory, Settings settings, Consumer<? super SessionEvent>... listeners)
            throws IOException, StartupException {
        Path usersFile = directory.resolve("users.txt");
        if (!Files.exists(usersFile)) {
            Files.writeString(usersFile, USERS, StandardCharsets.UTF_8);
        }
        return start(directory, settings, new EventBus(), listeners);
    }

    /** Starts a monitor on {@code bus} (to which the caller may have subscribed already), with {@code listeners} and the recorder. */
    @SafeVarargs
    public static TestMonitor start(Path directory, Settings settings, EventBus bus,
                                    Consumer<? super SessionEvent>... listeners) throws IOException, StartupException {
        Path usersFile = directory.resolve("users.txt");
        if (!Files.exists(usersFile)) {
            Files.writeString(usersFile, USERS, StandardCharsets.UTF_8);
        }
        EventRecorder events = new EventRecorder();
        for (Consumer<? super SessionEvent> listener : listeners) {
            bus.subscribe(listener);
        }
        bus.subscribe(events);
        return new TestMonitor(directory, Monitor.start(usersFile, settings, bus), events);
    }

    public Monitor monitor() {
        return monitor;
    }

    public EventRecorder events() {
        return events;
    }

    public InetSocketAddress address() {
        return address(monitor);
    }

    /** Where a client reaches {@code monitor}'s server: the loopback address and the port it is bound to. */
    public static InetSocketAddress address(Monitor monitor) {
        InetSocketAddress bound = monitor.server().address();
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }

    public int port() {
        return address().getPort();
    }

    /** Where a client reaches the implicit-TLS port (the settings must have asked for one). */
    public InetSocketAddress tlsAddress() {
        InetSocketAddress bound = monitor.tlsAddress();
        if (bound == null) {
            throw new IllegalStateException("the monitor was started without an implicit-TLS port");
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }

    /** Default test settings with an implicit-TLS port (0: a free one). */
    public static Settings settingsWithTlsPort(Path directory) {
        Settings settings = settings(directory);
        return settings.withTls(settings.tls().withImplicitPort(0));
    }

    /** The self-signed certificate the server made in the mailbox directory, PEM. */
    public Path certificateFile() {
        return directory.resolve(TlsCertificate.FOLDER).resolve(TlsCertificate.CERTIFICATE_FILE);
    }

    /** A client TLS context that trusts this server's certificate, and nothing else. */
    public SSLContext trustingContext() throws IOException, GeneralSecurityException {
        return trusting(certificateFile(), "TLS");
    }

    /**
     * A client TLS context that trusts the certificate in the PEM file {@code certificate},
     * and nothing else, speaking {@code protocol} ({@code TLS} for the newest, {@code TLSv1.2}
     * for that one only).
     */
    public static SSLContext trusting(Path certificate, String protocol) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A new connection whose 220 greeting has been read. */
    public RawSmtpClient client() throws IOException {
        return RawSmtpClient.connectGreeted(address());
    }

    /** A new connection that has said EHLO. */
    public RawSmtpClient ehloClient() throws IOException {
        RawSmtpClient client = client();
        String reply = client.command("EHLO client.test");
        if (!reply.startsWith("250-")) {
            client.close();
            throw new AssertionError("EHLO failed: " + reply);
        }
        return client;
    }

    /** Waits until the server has exactly {@code count} sessions open, failing after {@link EventRecorder#WAIT_MILLIS}. */
    public void awaitOpenSessions(int count) throws InterruptedException {
        Await.until("the server has " + count + " sessions open", Duration.ofMillis(EventRecorder.WAIT_MILLIS),
                () -> monitor.server().openSessions() == count, () -> "open sessions: " + monitor.server().openSessions());
    }

    public Path mailbox(String address) {
        return directory.resolve(address + ".txt");
    }

    public byte[] mailboxBytes(String address) throws IOException {
        return Files.readAllBytes(mailbox(address));
    }

    public String mailboxText(String address) throws IOException {
        return new String(mailboxBytes(address), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        monitor.close();
    }
}
