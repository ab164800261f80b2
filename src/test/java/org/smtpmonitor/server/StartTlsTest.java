package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** STARTTLS (RFC 3207) over real sockets, with the JDK's TLS client over our raw SMTP client. */
class StartTlsTest {

    @TempDir
    Path directory;

    private TestMonitor monitor;
    private SSLContext trusting;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory);
        trusting = monitor.trustingContext();
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private long sessionOf(RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    private List<String> transcript(long session) {
        return monitor.events().ofSession(session).stream()
                .filter(e -> !(e instanceof SessionOpened)).map(EventText::of).toList();
    }

    @Test
    void ehloInTheClearOffersStartTls() throws Exception {
        try (RawSmtpClient client = monitor.client()) {
            assertEquals("250-example.com Hello client.test\n250-SIZE 26214400\n250-8BITMIME\n250-PIPELINING\n"
                    + "250-SMTPUTF8\n250-STARTTLS\n250 HELP", client.command("EHLO client.test"));
        }
    }

    @Test
    void commandsPipelinedAfterStartTlsAreDiscardedNotAnsweredInTheClearNorRunUnderTls() throws Exception {
        RawSmtpClient clear = monitor.ehloClient();
        long session = sessionOf(clear);
        clear.send("STARTTLS\r\nRSET\r\n");
        assertEquals("220 Ready to start TLS", clear.readReply());
        // Fails if anything but the handshake follows the 220: the RSET's 250 in the clear
        // would be read as a broken TLS record.
        try (RawSmtpClient tls = clear.startTls(trusting, "localhost")) {
            assertEquals("250 OK", tls.command("NOOP"));
            assertEquals("221 example.com Service closing transmission channel", tls.command("QUIT"));
        }
        monitor.events().awaitClosedSessions(1);
        assertEquals(List.of("C: EHLO client.test", "C: STARTTLS", "C: <6 bytes after STARTTLS discarded>",
                        "C: NOOP", "C: QUIT"),
                monitor.events().ofSession(session).stream().filter(LineReceived.class::isInstance)
                        .map(EventText::of).toList());
        assertEquals(List.of("S: 220 Ready to start TLS", "S: 250 OK"),
                monitor.events().ofSession(session).stream().filter(ReplySent.class::isInstance).map(EventText::of)
                        .filter(line -> line.startsWith("S: 220 R") || line.equals("S: 250 OK")).toList(),
                "one 250 only: the NOOP's");
    }

    @Test
    void afterTheHandshakeTheSessionStartsAgainAsIfJustGreeted() throws Exception {
        RawSmtpClient clear = monitor.ehloClient();
        long session = sessionOf(clear);
        assertEquals("250 OK", clear.command("MAIL FROM:<before@client.test>"));
        assertEquals("220 Ready to start TLS", clear.command("STARTTLS"));
        try (RawSmtpClient tls = clear.startTls(trusting, "localhost")) {
            assertEquals("503 Bad sequence of commands: need MAIL before RCPT", tls.command("RCPT TO:<alice@example.com>"));
            assertEquals("503 Bad sequence of commands: send HELO or EHLO first", tls.command("MAIL FROM:<a@client.test>"));
            String ehlo = tls.command("EHLO client.test");
            assertFalse(ehlo.contains("STARTTLS"), ehlo);
            assertEquals("503 5.5.1 Bad sequence of commands: TLS already active", tls.command("STARTTLS"));
            assertEquals("250 OK", tls.command("NOOP"), "no second handshake began");
            tls.command("QUIT");
        }
        TlsStarted started = monitor.events().await(TlsStarted.class, e -> e.sessionId() == session);
        assertEquals("TLSv1.3", started.tls().protocol());
        assertEquals("localhost", started.tls().serverName());
        assertTrue(EventText.of(started).matches("-- TLS 1\\.3 TLS_[A-Z0-9_]+ SNI localhost"), EventText.of(started));
        List<String> transcript = transcript(session);
        int ready = transcript.indexOf("S: 220 Ready to start TLS");
        assertEquals(EventText.of(started), transcript.get(ready + 1), "the handshake line follows the 220");
    }

    @Test
    void aTls12ClientIsServedToo() throws Exception {
        RawSmtpClient clear = monitor.ehloClient();
        long session = sessionOf(clear);
        clear.command("STARTTLS");
        try (RawSmtpClient tls = clear.startTls(TestMonitor.trusting(monitor.certificateFile(), "TLSv1.2"), "localhost")) {
            tls.command("EHLO client.test");
            assertTrue(tls.mail("a@client.test", "alice@example.com", "Subject: 1.2\n\nok").startsWith("250 OK"));
        }
        assertEquals("TLSv1.2", monitor.events().await(TlsStarted.class, e -> e.sessionId() == session).tls().protocol());
        assertEquals("Subject: 1.2\r\n\r\nok\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void startTlsWithAnArgumentIs501AndTheSessionStaysInTheClear() throws Exception {
        try (RawSmtpClient clear = monitor.ehloClient()) {
            assertEquals("501 5.5.4 Syntax error (no parameters allowed)", clear.command("STARTTLS please"));
            assertEquals("250 OK", clear.command("NOOP"));
            assertEquals("220 Ready to start TLS", clear.command("STARTTLS"));
            try (RawSmtpClient tls = clear.startTls(trusting, "localhost")) {
                assertEquals("250 OK", tls.command("NOOP"));
            }
        }
    }

    @Test
    void messagesOverTlsLandByteForByteAcrossManyRecords() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 4000 == 3998 ? '\r' : i % 4000 == 3999 ? '\n' : 0x20 + i % 200);
        }
        data[data.length - 2] = '\r';
        data[data.length - 1] = '\n';
        RawSmtpClient clear = monitor.ehloClient();
        clear.command("STARTTLS");
        try (RawSmtpClient tls = clear.startTls(trusting, "localhost")) {
            tls.command("EHLO client.test");
            assertTrue(tls.sendMessage("a@client.test", List.of("alice@example.com"), data).startsWith("250 OK"));
            // Pipelined: one write, every reply in order.
            tls.send("MAIL FROM:<b@client.test>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
            assertEquals("250 OK", tls.readReply());
            assertEquals("250 OK", tls.readReply());
            assertEquals(354, Integer.parseInt(tls.readReply().substring(0, 3)));
            tls.send("Subject: second\r\n\r\n..dot\r\n.\r\n");
            assertTrue(tls.readReply().startsWith("250 OK"));
        }
        assertArrayEquals(data, monitor.mailboxBytes("alice@example.com"));
        assertEquals("Subject: second\r\n\r\n.dot\r\n",
                new String(monitor.mailboxBytes("bob@example.com"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void theServerStoppingTellsATlsSession421OverTls() throws Exception {
        RawSmtpClient clear = monitor.ehloClient();
        clear.command("STARTTLS");
        try (RawSmtpClient tls = clear.startTls(trusting, "localhost")) {
            assertEquals("250 OK", tls.command("NOOP"));
            monitor.monitor().stopServer();
            assertEquals("421 example.com Server shutting down, closing transmission channel", tls.readReply());
        }
    }
}
