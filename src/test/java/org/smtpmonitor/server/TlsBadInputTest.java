package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.event.TlsFailed;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * What a broken or hostile TLS client gets: a clean close with the reason logged, never an
 * effect on another session, which goes on delivering mail meanwhile.
 */
class TlsBadInputTest {

    /** The first bytes of a TLS 1.2 ClientHello record: a handshake record, then the start of its header. */
    private static final byte[] HALF_A_CLIENT_HELLO = {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4};

    @TempDir
    Path directory;

    private TestMonitor monitor;
    private SSLContext trusting;
    /** A session in the clear, opened before the bad client comes and used after it. */
    private RawSmtpClient bystander;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory, TestMonitor.settingsWithTlsPort(directory));
        trusting = monitor.trustingContext();
        bystander = monitor.ehloClient();
    }

    @AfterEach
    void stop() throws IOException {
        bystander.close();
        monitor.close();
    }

    private void bystanderStillDelivers() throws IOException {
        assertTrue(bystander.mail("by@client.test", "alice@example.com", "Subject: still here\n\nyes").startsWith("250 OK"));
    }

    private long sessionOf(RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    /** Reads to the end of the stream: at most a TLS alert (content type 21) comes before the close. */
    private static void assertClosedWithAtMostAnAlert(RawSmtpClient client) throws IOException {
        byte[] rest;
        try (InputStream in = client.socket().getInputStream()) {
            rest = in.readAllBytes();
        } catch (SocketException e) {
            return;
        }
        assertTrue(rest.length == 0 || rest[0] == 0x15 && rest.length == 7,
                "expected nothing or one TLS alert before the close, got " + rest.length + " bytes: "
                        + new String(rest, StandardCharsets.ISO_8859_1));
    }

    private TlsFailed awaitFailure(long session) throws InterruptedException {
        TlsFailed failed = monitor.events().await(TlsFailed.class, e -> e.sessionId() == session);
        monitor.events().await(SessionClosed.class, e -> e.sessionId() == session);
        return failed;
    }

    @Test
    void smtpInsteadOfAClientHelloOnTheImplicitTlsPortIsClosed() throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connect(monitor.tlsAddress())) {
            long session = sessionOf(client);
            client.send("EHLO client.test\r\n");
            assertClosedWithAtMostAnAlert(client);
            TlsFailed failed = awaitFailure(session);
            assertTrue(EventText.of(failed).startsWith("-- TLS failed: "), EventText.of(failed));
            assertEquals(SessionClosed.Reason.TLS_FAILED,
                    monitor.events().await(SessionClosed.class, e -> e.sessionId() == session).reason());
        }
        bystanderStillDelivers();
    }

    @Test
    void garbageInsteadOfAClientHelloAfterStartTlsIsClosed() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            long session = sessionOf(client);
            assertEquals("220 Ready to start TLS", client.command("STARTTLS"));
            client.send(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', '\r', '\n'});
            assertClosedWithAtMostAnAlert(client);
            awaitFailure(session);
        }
        bystanderStillDelivers();
    }

    @Test
    void aClientThatLeavesInTheMiddleOfTheHandshakeIsClosedAndLogged() throws Exception {
        long session;
        try (RawSmtpClient client = RawSmtpClient.connect(monitor.tlsAddress())) {
            session = sessionOf(client);
            client.send(HALF_A_CLIENT_HELLO);
        }
        TlsFailed failed = awaitFailure(session);
        assertEquals("the client closed the connection during the handshake", failed.reason());
        assertEquals(SessionClosed.Reason.CLIENT_DISCONNECTED,
                monitor.events().await(SessionClosed.class, e -> e.sessionId() == session).reason());
        bystanderStillDelivers();
    }

    @Test
    void aClientStalledInTheHandshakeHoldsUpNoOtherSession() throws Exception {
        try (RawSmtpClient stalled = monitor.ehloClient()) {
            assertEquals("220 Ready to start TLS", stalled.command("STARTTLS"));
            stalled.send(HALF_A_CLIENT_HELLO);
            bystanderStillDelivers();
            try (RawSmtpClient tls = RawSmtpClient.connectTls(monitor.tlsAddress(), trusting, "localhost")) {
                assertEquals("220 example.com ESMTP smtp-monitor ready", tls.readReply());
            }
        }
    }

    @Test
    void aHandshakeNotDoneWithinTheTimeoutIsClosed() throws Exception {
        Files.createDirectories(directory.resolve("strict"));
        try (TestMonitor strict = TestMonitor.start(directory.resolve("strict"), TestMonitor.settings(
                directory.resolve("strict"), MailboxFormat.RAW, 1_000_000, 10, Duration.ofSeconds(1), false))) {
            try (RawSmtpClient client = strict.ehloClient()) {
                int port = client.socket().getLocalPort();
                assertEquals("220 Ready to start TLS", client.command("STARTTLS"));
                client.send(HALF_A_CLIENT_HELLO);
                assertClosedWithAtMostAnAlert(client);
                long session = strict.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
                assertEquals("no TLS handshake within the timeout",
                        strict.events().await(TlsFailed.class, e -> e.sessionId() == session).reason());
            }
        }
    }

    @Test
    void theImplicitTlsPortGreetsAfterTheHandshakeAndRefusesStartTls() throws Exception {
        try (RawSmtpClient tls = RawSmtpClient.connectTls(monitor.tlsAddress(), trusting, "localhost")) {
            assertEquals("220 example.com ESMTP smtp-monitor ready", tls.readReply());
            String ehlo = tls.command("EHLO client.test");
            assertFalse(ehlo.contains("STARTTLS"), ehlo);
            assertEquals("503 5.5.1 Bad sequence of commands: TLS already active", tls.command("STARTTLS"));
            assertTrue(tls.mail("a@client.test", "bob@example.com", "Subject: implicit\n\nhi").startsWith("250 OK"));
        }
        assertEquals("Subject: implicit\r\n\r\nhi\r\n", monitor.mailboxText("bob@example.com"));
    }

    @Test
    void aServerStoppingClosesASessionInTheMiddleOfItsHandshake() throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connect(monitor.tlsAddress())) {
            long session = sessionOf(client);
            client.send(HALF_A_CLIENT_HELLO);
            monitor.monitor().stopServer();
            assertClosedWithAtMostAnAlert(client);
            assertEquals(SessionClosed.Reason.SERVER_SHUTDOWN,
                    monitor.events().await(SessionClosed.class, e -> e.sessionId() == session).reason());
        }
    }

    @Test
    void requireTlsRefusesMailInTheClearButNotOverTls() throws Exception {
        Path strictDirectory = Files.createDirectories(directory.resolve("require"));
        var settings = TestMonitor.settingsWithTlsPort(strictDirectory);
        try (TestMonitor strict = TestMonitor.start(strictDirectory, settings.withTls(settings.tls().withRequired(true)));
             RawSmtpClient clear = strict.ehloClient()) {
            assertEquals("530 5.7.0 Must issue a STARTTLS command first", clear.command("MAIL FROM:<a@client.test>"));
            assertEquals("220 Ready to start TLS", clear.command("STARTTLS"));
            try (RawSmtpClient tls = clear.startTls(strict.trustingContext(), "localhost")) {
                tls.command("EHLO client.test");
                assertTrue(tls.mail("a@client.test", "alice@example.com", "Subject: s\n\nx").startsWith("250 OK"));
            }
            try (RawSmtpClient implicit = RawSmtpClient.connectTls(strict.tlsAddress(), strict.trustingContext(), null)) {
                implicit.readReply();
                implicit.command("EHLO client.test");
                assertEquals("250 OK", implicit.command("MAIL FROM:<a@client.test>"));
            }
        }
    }
}
