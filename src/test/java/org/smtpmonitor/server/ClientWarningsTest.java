package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * The check of the sending client over a real socket: a raw client that misbehaves in one
 * way gets that one warning, once a session however often it repeats it, in the
 * transcript's place where it happened; the mail is stored as sent all the same.
 */
class ClientWarningsTest {

    /** A message with every header field a message should have. */
    private static final String HEADER = "Date: Mon, 30 Nov 2026 13:00:00 +0000\r\nFrom: a@client.test\r\n"
            + "Message-ID: <1@client.test>\r\nSubject: check\r\n\r\n";

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory);
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private long sessionOf(RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    /** The session's warnings, once it has closed. */
    private List<ClientWarning> warningsOf(long session) throws InterruptedException {
        monitor.events().await(SessionClosed.class, e -> e.sessionId() == session);
        return monitor.events().ofSession(session).stream().filter(ClientWarning.class::isInstance)
                .map(ClientWarning.class::cast).toList();
    }

    private static List<String> kinds(List<ClientWarning> warnings) {
        return warnings.stream().map(ClientWarning::kind).toList();
    }

    /** Sends {@code data} as a message in a transaction of its own, with these MAIL parameters. */
    private static void message(RawSmtpClient client, String mailParameters, byte[] data) throws IOException {
        assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>" + mailParameters));
        assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        assertEquals(354, client.readCodeOf("DATA"));
        client.send(data);
        client.send(".\r\n");
        String reply = client.readReply();
        assertTrue(reply.startsWith("250 OK: queued as "), reply);
    }

    private static void message(RawSmtpClient client, String data) throws IOException {
        message(client, "", data.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One session: EHLO, the messages, QUIT; its warnings. */
    private List<ClientWarning> session(String... messages) throws Exception {
        long id;
        try (RawSmtpClient client = monitor.ehloClient()) {
            id = sessionOf(client);
            for (String data : messages) {
                message(client, data);
            }
            client.command("QUIT");
        }
        return warningsOf(id);
    }

    @Test
    void aBareLfIsToldOnceAfterTheMessageAndTheMessageIsStoredAsSent() throws Exception {
        String data = HEADER + "unix line\nend\r\n";
        List<ClientWarning> warnings = session(data, data, HEADER + "fine\r\n");
        assertEquals(List.of("bare-lf"), kinds(warnings));
        assertEquals("-- warning: bare LF in the message data (RFC 5321 2.3.8 and 4.1.1.4: lines end in CRLF;"
                + " a bare LF ends no line, and LF.LF does not end the data)", EventText.of(warnings.get(0)));
        assertEquals(data + data + HEADER + "fine\r\n", monitor.mailboxText("alice@example.com"));
        // In the transcript, right after the end of the message it is about.
        List<SessionEvent> events = monitor.events().ofSession(warnings.get(0).sessionId());
        SessionEvent before = events.get(events.indexOf(warnings.get(0)) - 1);
        assertEquals("C: .", EventText.of(before));
    }

    @Test
    void aBareCrIsToldOnce() throws Exception {
        List<ClientWarning> warnings = session(HEADER + "old mac\rline\r\n", HEADER + "again\r\r\n");
        assertEquals(List.of("bare-cr"), kinds(warnings));
        assertTrue(warnings.get(0).text().contains("RFC 5321 2.3.8"), warnings.get(0).text());
    }

    @Test
    void eightBitDataIsToldOnlyWithoutBody8bitmimeOrSmtputf8() throws Exception {
        byte[] data = (HEADER + "caf\u00e9\r\n").getBytes(StandardCharsets.UTF_8);
        long declared;
        try (RawSmtpClient client = monitor.ehloClient()) {
            declared = sessionOf(client);
            message(client, " BODY=8BITMIME", data);
            message(client, " SMTPUTF8", data);
            client.command("QUIT");
        }
        assertEquals(List.of(), warningsOf(declared));
        long undeclared;
        try (RawSmtpClient client = monitor.ehloClient()) {
            undeclared = sessionOf(client);
            message(client, " BODY=7BIT", data);
            message(client, "", data);
            client.command("QUIT");
        }
        List<ClientWarning> warnings = warningsOf(undeclared);
        assertEquals(List.of("8bit-without-8bitmime"), kinds(warnings));
        assertTrue(warnings.get(0).text().contains("RFC 6152 3"), warnings.get(0).text());
        assertArrayEquals(concat(data, data, data, data), monitor.mailboxBytes("alice@example.com"));
    }

    @Test
    void aDataLineOver998BytesIsToldButOneOf998IsNot() throws Exception {
        assertEquals(List.of(), session(HEADER + "x".repeat(998) + "\r\n"));
        String longLine = HEADER + "y".repeat(999) + "\r\n";
        List<ClientWarning> warnings = session(longLine, longLine);
        assertEquals(List.of("line-too-long"), kinds(warnings));
        assertTrue(warnings.get(0).text().contains("over 998 bytes (RFC 5322 2.1.1"), warnings.get(0).text());
    }

    @Test
    void aMissingHeaderFieldIsNamed() throws Exception {
        List<ClientWarning> warnings = session("From: a@client.test\r\nMessage-ID: <2@client.test>\r\n\r\nno date\r\n",
                "no header at all\r\n");
        assertEquals(List.of("missing-header"), kinds(warnings));
        assertEquals("the message has no Date header field (RFC 5322 3.6: Date and From are required)",
                warnings.get(0).text());
        assertEquals(List.of(), session(HEADER + "complete\r\n"));
    }

    @Test
    void aMessageOverItsDeclaredSizeIsToldWithBothNumbers() throws Exception {
        byte[] data = (HEADER + "z".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long id;
        try (RawSmtpClient client = monitor.ehloClient()) {
            id = sessionOf(client);
            message(client, " SIZE=" + data.length, data);
            message(client, " SIZE=100", data);
            message(client, " SIZE=50", data);
            client.command("QUIT");
        }
        List<ClientWarning> warnings = warningsOf(id);
        assertEquals(List.of("size-exceeded"), kinds(warnings));
        assertTrue(warnings.get(0).text().startsWith("the message has " + data.length
                + " bytes, more than the SIZE=100 its MAIL declared (RFC 1870"), warnings.get(0).text());
    }

    @Test
    void aBadHeloNameIsToldOnceRightAfterTheCommandAndQuoted() throws Exception {
        long id;
        try (RawSmtpClient client = monitor.client()) {
            id = sessionOf(client);
            assertEquals("250 example.com Hello my_host", client.command("HELO my_host"));
            assertEquals(250, client.readCodeOf("EHLO 192.0.2.1"));
            assertEquals(250, client.readCodeOf("EHLO [192.0.2.1]"));
            client.command("QUIT");
        }
        List<ClientWarning> warnings = warningsOf(id);
        assertEquals(List.of("bad-helo-name"), kinds(warnings));
        assertTrue(warnings.get(0).text().startsWith("HELO name \"my_host\" is neither a domain nor an address literal"
                + " (RFC 5321 4.1.1.1, 4.1.2 and 4.1.3"), warnings.get(0).text());
        List<SessionEvent> events = monitor.events().ofSession(id);
        assertEquals("C: HELO my_host", EventText.of(events.get(events.indexOf(warnings.get(0)) - 1)));

        long good;
        try (RawSmtpClient client = monitor.client()) {
            good = sessionOf(client);
            assertEquals(250, client.readCodeOf("EHLO localhost"));
            client.command("QUIT");
        }
        assertEquals(List.of(), warningsOf(good));
    }

    @Test
    void commandsPipelinedAfterHeloAreToldOnceAndStillAnswered() throws Exception {
        long id;
        try (RawSmtpClient client = monitor.client()) {
            id = sessionOf(client);
            assertEquals(250, client.readCodeOf("HELO client.test"));
            client.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<alice@example.com>\r\nRSET\r\n");
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            client.send("NOOP\r\nNOOP\r\n");
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            client.command("QUIT");
        }
        List<ClientWarning> warnings = warningsOf(id);
        assertEquals(List.of("pipelining-not-offered"), kinds(warnings));
        assertTrue(warnings.get(0).text().contains("RFC 2920 3"), warnings.get(0).text());
        // Told at the first command that did not wait: RCPT, sent with MAIL.
        List<SessionEvent> events = monitor.events().ofSession(id);
        assertEquals("C: RCPT TO:<alice@example.com>", EventText.of(events.get(events.indexOf(warnings.get(0)) - 1)));
    }

    @Test
    void commandsPipelinedBeforeAnyHeloOrAfterTheMessageAreTold() throws Exception {
        long beforeHelo;
        try (RawSmtpClient client = monitor.client()) {
            beforeHelo = sessionOf(client);
            client.send("NOOP\r\nNOOP\r\n");
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            client.command("QUIT");
        }
        assertEquals(List.of("pipelining-not-offered"), kinds(warningsOf(beforeHelo)));

        long afterData;
        try (RawSmtpClient client = monitor.client()) {
            afterData = sessionOf(client);
            assertEquals(250, client.readCodeOf("HELO client.test"));
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            // The QUIT does not wait for the message's 250.
            client.send(HEADER + "body\r\n.\r\nQUIT\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals(221, client.readCode());
        }
        assertEquals(List.of("pipelining-not-offered"), kinds(warningsOf(afterData)));
    }

    @Test
    void pipeliningAfterEhloIsFine() throws Exception {
        long id;
        try (RawSmtpClient client = monitor.ehloClient()) {
            id = sessionOf(client);
            client.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals(354, client.readCode());
            client.send(HEADER + "pipelined\r\n.\r\nMAIL FROM:<a@client.test>\r\nRSET\r\nQUIT\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals(221, client.readCode());
        }
        assertEquals(List.of(), warningsOf(id));
    }

    @Test
    void bytesPipelinedAfterStarttlsHaveTheirOwnNoteAndNoPipeliningWarning() throws Exception {
        long id;
        try (RawSmtpClient client = monitor.client()) {
            id = sessionOf(client);
            assertEquals(250, client.readCodeOf("HELO client.test"));
            client.send("STARTTLS\r\nMAIL FROM:<a@client.test>\r\n");
            assertEquals(220, client.readCode());
        }
        assertEquals(List.of(), warningsOf(id));
        assertTrue(monitor.events().ofSession(id).stream().anyMatch(e -> e instanceof LineReceived line
                && line.text().endsWith("bytes after STARTTLS discarded>")), monitor.events().ofSession(id).toString());
    }

    @Test
    void oneSessionWithEveryFaultGetsEachKindOnce() throws Exception {
        byte[] bad = ("Subject: everything wrong\r\n\r\nbare\nlf\rcr caf\u00e9 " + "w".repeat(1200) + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        long id;
        try (RawSmtpClient client = monitor.client()) {
            id = sessionOf(client);
            assertEquals(250, client.readCodeOf("HELO my_host"));
            for (int i = 0; i < 3; i++) {
                client.send("MAIL FROM:<a@client.test> SIZE=10\r\nRCPT TO:<alice@example.com>\r\n");
                assertEquals("250 OK", client.readReply());
                assertEquals("250 OK", client.readReply());
                assertEquals(354, client.readCodeOf("DATA"));
                client.send(bad);
                client.send(".\r\n");
                assertTrue(client.readReply().startsWith("250 OK: queued as "));
            }
            client.command("QUIT");
        }
        List<String> kinds = kinds(warningsOf(id));
        assertEquals(List.of("bad-helo-name", "pipelining-not-offered", "bare-cr", "bare-lf", "8bit-without-8bitmime",
                "line-too-long", "size-exceeded", "missing-header"), kinds);
        assertArrayEquals(concat(bad, bad, bad), monitor.mailboxBytes("alice@example.com"));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
