package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpmonitor.testing.TestCertificate;
import org.smtpmonitor.testing.TlsSmtpServer;
import org.smtpmonitor.testing.TlsSmtpServer.Mode;

/**
 * {@code smtp-monitor bench} over TLS (its SSLEngine driven by the event loop) and with AUTH,
 * against a real TLS server: every message counted where it landed, never the speed.
 */
class BenchOverTlsTest {

    private static final String SERVERS = "org.smtpmonitor.testing.TlsSmtpServer#all";
    private static final Pattern BENCH_ID = Pattern.compile("\r\nX-Bench-Id: (\\w+)-(\\d+)\r\n");

    @TempDir
    Path directory;
    private TlsSmtpServer server;
    private TestCertificate certificate;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(TlsSmtpServer.Factory factory, Mode mode) throws Exception {
        certificate = TestCertificate.create(directory, "server", TestCertificate.LOCALHOST);
        server = factory.start(directory, mode, certificate, Map.of("alice@example.com", "secret"));
    }

    private CommandRun bench(String... options) {
        List<String> args = new ArrayList<>(List.of("bench", "--port", String.valueOf(server.port()), "--timeout", "20s",
                "--rcpt", "bob@example.com"));
        args.addAll(List.of(options));
        return CommandRun.run("", args.toArray(String[]::new));
    }

    /** Each message of the run arrived once, over TLS, with {@code size} bytes; its numbers are 1 to n. */
    private void assertEveryMessageOnceOverTls(int messages, int size, String user) throws Exception {
        List<TlsSmtpServer.Received> received = server.received();
        assertEquals(messages, received.size());
        Set<Integer> numbers = new TreeSet<>();
        for (TlsSmtpServer.Received message : received) {
            assertTrue(message.tlsProtocol().startsWith("TLSv1."), message.tlsProtocol());
            assertEquals(user, message.authenticatedUser());
            assertEquals(size, message.data().length);
            Matcher id = BENCH_ID.matcher(new String(message.data(), 0, Math.min(size, 2000), StandardCharsets.US_ASCII));
            assertTrue(id.find());
            assertTrue(numbers.add(Integer.parseInt(id.group(2))), "message " + id.group(2) + " twice");
        }
        assertEquals(1, numbers.iterator().next());
        assertEquals(messages, ((TreeSet<Integer>) numbers).last());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void startTlsRunOfFourConnectionsDeliversEveryMessage(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS);
        CommandRun run = bench("--starttls", "--cafile", certificate.certificate().toString(), "--conns", "4",
                "--messages", "80");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("sent:     80 OK, 0 errors"), run.out());
        assertTrue(run.outLines().contains("\ntls:      TLS 1."), run.out());
        assertTrue(run.outLines().contains("\ntls time: p50 "), run.out());
        assertTrue(run.out().contains("(4 handshakes, before the clock started: not in the rate)"), run.out());
        assertEveryMessageOnceOverTls(80, 1024, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void implicitTlsWithAuthDeliversEveryMessageAndReportsJson(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.IMPLICIT);
        CommandRun run = bench("--tls", "--cafile", certificate.certificate().toString(),
                "--auth", "alice@example.com:secret", "--conns", "4", "--messages", "80", "--pipelining", "--json");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("\"pipelining\":" + server.offersPipelining() + ","), run.out());
        assertTrue(run.out().matches("(?s)\\{.*\"ok\":80,\"errors\":0,.*,\"tls\":\\{\"protocol\":\"TLSv1\\.[23]\","
                + "\"cipher\":\"TLS_\\w+\",\"handshakeMs\":\\{\"p50\":\\d+\\.\\d+,\"max\":\\d+\\.\\d+\\}\\}\\}\\s*"), run.out());
        assertEveryMessageOnceOverTls(80, 1024, "alice@example.com");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void startTlsPipelinedWhereOfferedDeliversEveryMessage(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS);
        CommandRun run = bench("--starttls", "--cafile", certificate.certificate().toString(), "--conns", "4",
                "--messages", "80", "--pipelining");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("sent:     80 OK, 0 errors"), run.out());
        assertTrue(run.out().contains(server.offersPipelining() ? ", pipelined (run id " : ", lock-step (run id "),
                run.out());
        assertEveryMessageOnceOverTls(80, 1024, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void eachMessageOnAConnectionOfItsOwnHasItsHandshakeInTheRate(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.IMPLICIT);
        CommandRun run = bench("--tls", "--cafile", certificate.certificate().toString(),
                "--auth", "alice@example.com:secret", "--conns", "4", "--messages", "24", "--messages-per-connection", "1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("sent:     24 OK, 0 errors"), run.out());
        assertTrue(run.outLines().contains("\nsessions: a new connection for every 1 message, set up while the clock ran:"
                + " connect, greeting, EHLO, TLS, AUTH in the rate\n"), run.out());
        assertTrue(run.out().contains("(24 handshakes, in the rate)"), run.out());
        assertEveryMessageOnceOverTls(24, 1024, "alice@example.com");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void startTlsSessionsOfAFewPipelinedMessagesEachDeliverEveryMessage(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS);
        CommandRun run = bench("--starttls", "--cafile", certificate.certificate().toString(), "--conns", "3",
                "--messages", "40", "--messages-per-connection", "5", "--pipelining");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains(server.offersPipelining() ? ", pipelined (run id " : ", lock-step (run id "),
                run.out());
        assertTrue(run.out().contains("(8 handshakes, in the rate)"), run.out());
        assertEveryMessageOnceOverTls(40, 1024, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void messagesOfManyRecordsArriveWhole(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.IMPLICIT);
        CommandRun run = bench("--tls", "--cafile", certificate.certificate().toString(), "--conns", "2",
                "--messages", "6", "--size", "300KB");
        assertEquals(0, run.exit(), run.err());
        assertEveryMessageOnceOverTls(6, 300 * 1024, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void aRefusedCertificateStopsTheRunBeforeAnyMessage(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS);
        CommandRun run = bench("--starttls", "--pin", "00".repeat(32), "--conns", "2", "--messages", "10");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("smtp-monitor bench: connection 1: TLS with 127.0.0.1:" + server.port()
                + " failed: the server's certificate is not the pinned one"), run.err());
        CommandRun wrongPassword = bench("--starttls", "--cafile", certificate.certificate().toString(),
                "--auth", "alice@example.com:wrong", "--messages", "10");
        assertEquals(1, wrongPassword.exit());
        assertTrue(wrongPassword.err().contains("connection 1: authentication as alice@example.com (CRAM-MD5) failed: 535 "),
                wrongPassword.err());
        assertEquals(List.of(), server.received());
    }
}
