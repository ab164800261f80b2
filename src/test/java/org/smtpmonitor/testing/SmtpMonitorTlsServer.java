package org.smtpmonitor.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.IndexedMessage;

/**
 * Our own server as a {@link TlsSmtpServer}: {@code smtp-monitor USERS --headless} in a
 * process of its own, with the test's certificate ({@code --tls-cert}, {@code --tls-key}),
 * STARTTLS on its port, implicit TLS on {@code --tls-port 0}, and {@code --auth users} with
 * the test's passwords in the users file. What it received is read back from its message
 * index (each copy's bytes and session), and what each session did from its console log
 * ({@code [3] -- TLS 1.3 ...}, {@code [3] -- AUTH PLAIN alice@example.com}).
 */
public final class SmtpMonitorTlsServer implements TlsSmtpServer {

    /** The recipient every test of our clients writes to; besides the users that log in. */
    private static final String RECIPIENT = "bob@example.com";
    private static final Pattern IMPLICIT =
            Pattern.compile(".* TLS certificate SHA-256 .*; implicit TLS on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TLS = Pattern.compile(".* \\[(\\d+)\\] -- TLS (\\d\\.\\d) .*");
    private static final Pattern AUTH = Pattern.compile(".* \\[(\\d+)\\] -- AUTH \\S+ (.+)");
    private static final Pattern DELIVERED = Pattern.compile(".* \\[\\d+\\] Delivered \\S+: \\d+ bytes from <.*> to (.+)");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HeadlessServerProcess process;
    private final Path mailboxes;
    private final int port;

    private SmtpMonitorTlsServer(HeadlessServerProcess process, Path mailboxes, int port) {
        this.process = process;
        this.mailboxes = mailboxes;
        this.port = port;
    }

    public static SmtpMonitorTlsServer start(Path directory, Mode mode, TestCertificate certificate,
                                             Map<String, String> users) throws IOException, InterruptedException {
        assumeTrue(mode != Mode.PLAIN, "smtp-monitor offers STARTTLS on every port: it has no plain mode");
        Path mailboxes = Files.createDirectories(directory.resolve("smtp-monitor"));
        StringBuilder lines = new StringBuilder(RECIPIENT + "\n");
        users.forEach((user, password) -> lines.append(user).append(' ').append(password).append('\n'));
        Path usersFile = Files.writeString(mailboxes.resolve("users.txt"), lines, StandardCharsets.UTF_8);
        List<String> options = new ArrayList<>(List.of("--mailbox-dir", mailboxes.toString(),
                "--tls-cert", certificate.certificate().toString(), "--tls-key", certificate.key().toString(),
                "--tls-port", "0"));
        if (!users.isEmpty()) {
            options.addAll(List.of("--auth", "users"));
        }
        HeadlessServerProcess process = HeadlessServerProcess.start(usersFile, options.toArray(String[]::new));
        try {
            int implicitPort = Integer.parseInt(process.awaitLine(IMPLICIT).group(1));
            return new SmtpMonitorTlsServer(process, mailboxes, mode == Mode.IMPLICIT ? implicitPort
                    : process.address().getPort());
        } catch (RuntimeException | Error | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean offersPipelining() {
        return true;
    }

    /**
     * Once every message delivered so far is in the console log and in the index: the
     * clients have had their 250s, so each delivery's event was published before this
     * method's own probe session opened, and the log prints events in the order published.
     */
    @Override
    public List<Received> received() throws IOException {
        try {
            if (process.isAlive()) {
                awaitLogOfEarlierSessions();
            }
            List<String> log = process.output();
            long copies = log.stream().map(DELIVERED::matcher).filter(Matcher::matches)
                    .mapToLong(m -> m.group(1).split(", ").length).sum();
            Map<Long, String> tls = facts(log, TLS, version -> "TLSv" + version);
            Map<Long, String> auth = facts(log, AUTH, user -> user);
            try (MailboxDirectory mail = MailboxDirectory.open(mailboxes, null)) {
                List<IndexedMessage> indexed = new ArrayList<>();
                Await.until(copies + " copies in the index", WAIT, () -> {
                    indexed.clear();
                    for (MailboxDirectory.MailboxInfo mailbox : mail.mailboxes()) {
                        indexed.addAll(mail.messages(mailbox.address(), 0, Integer.MAX_VALUE));
                    }
                    return indexed.size() == copies;
                }, () -> indexed.size() + " indexed");
                indexed.sort(Comparator.comparingLong(IndexedMessage::id));
                List<Received> received = new ArrayList<>();
                for (IndexedMessage message : indexed) {
                    ByteArrayOutputStream data = new ByteArrayOutputStream();
                    mail.export(message.id(), data);
                    received.add(new Received(data.toByteArray(), tls.get(message.sessionId()),
                            auth.get(message.sessionId())));
                }
                return received;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading what smtp-monitor received", e);
        }
    }

    /** Opens and quits a session of our own, and waits until the log shows it closed. */
    private void awaitLogOfEarlierSessions() throws IOException, InterruptedException {
        int localPort;
        try (RawSmtpClient probe = RawSmtpClient.connectGreeted(process.address())) {
            localPort = probe.socket().getLocalPort();
            probe.command("QUIT");
        }
        Pattern opened = Pattern.compile(".* \\[(\\d+)\\] Connection from 127\\.0\\.0\\.1:" + localPort);
        Await.until("the log shows the probe's session closed", WAIT, () -> {
            List<String> log = process.output();
            for (String line : log) {
                Matcher m = opened.matcher(line);
                if (m.matches()) {
                    String closed = " [" + m.group(1) + "] Closed (";
                    return log.stream().anyMatch(l -> l.contains(closed));
                }
            }
            return false;
        }, process::excerpt);
    }

    /** What {@code pattern}'s second group says of each session (its first group), as {@code shown}. */
    private static Map<Long, String> facts(List<String> log, Pattern pattern,
                                           UnaryOperator<String> shown) {
        Map<Long, String> facts = new HashMap<>();
        for (String line : log) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                facts.put(Long.parseLong(m.group(1)), shown.apply(m.group(2)));
            }
        }
        return facts;
    }

    /** Stops it with SIGTERM, as a person would, so that its log and index are complete. */
    @Override
    public void close() {
        try {
            if (process.terminate()) {
                process.awaitExit(20, "SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.close();
        }
    }
}
