package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Message data over a real socket: what ends a message (CRLF.CRLF only), what is stored
 * (the bytes as sent, less transparency dots), and the size limit.
 */
class MessageDataTest {

    /** Small, so a test reaches it quickly. */
    private static final int MAX_MESSAGE_SIZE = 10_000;

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.RAW, MAX_MESSAGE_SIZE,
                10, Duration.ofSeconds(30), false));
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private RawSmtpClient inData() throws Exception {
        RawSmtpClient client = monitor.ehloClient();
        assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
        assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        assertEquals(354, client.readCodeOf("DATA"));
        return client;
    }

    @Test
    void transparencyDotIsRemovedFromLinesStartingWithADot() throws Exception {
        try (RawSmtpClient client = inData()) {
            client.send("Subject: dots\r\n\r\n..x\r\n..\r\n...\r\n. y\r\nend.\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("Subject: dots\r\n\r\n.x\r\n.\r\n..\r\n y\r\nend.\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void emptyMessageIsStoredAsNothing() throws Exception {
        try (RawSmtpClient client = inData()) {
            client.send(".\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.command("NOOP"));
        }
        assertEquals(0, Files.size(monitor.mailbox("alice@example.com")));
    }

    @Test
    void everyByteValueBareLineEndsAndLongLinesAreStoredExactlyAsSent() throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("Subject: bytes\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int b = 0; b < 256; b++) {
            data.write(b);
        }
        data.writeBytes("\r\nbare LF\nbare CR\rCR CR LF\r\r\nLF CR\n\rend\r\n".getBytes(StandardCharsets.US_ASCII));
        data.writeBytes("caf\u00e9 \u00fcber\r\n".getBytes(StandardCharsets.UTF_8));
        // A data line far over the 1,000-byte command line limit is content like any other.
        data.writeBytes(("long " + "x".repeat(5000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] sent = data.toByteArray();
        try (RawSmtpClient client = inData()) {
            client.send(sent);
            client.send(".\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertArrayEquals(sent, monitor.mailboxBytes("alice@example.com"));
    }

    @Test
    void lfDotLfInsideTheDataIsContentSoNoCommandCanBeSmuggled() throws Exception {
        String data = "Subject: smuggle\r\n\r\nbody\n.\nMAIL FROM:<evil@client.test>\r\nRCPT TO:<bob@example.com>\r\n"
                + "DATA\r\nsmuggled\r\n"
                + "bare\n.\r\nstill content\r\n"
                + "cr\r.\r\nstill content too\r\n";
        try (RawSmtpClient client = inData()) {
            client.send(data + ".\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            // Only one reply was due: the next one answers this NOOP, not a smuggled command.
            assertEquals("250 OK", client.command("NOOP"));
        }
        assertEquals(data, monitor.mailboxText("alice@example.com"));
        assertEquals(0, Files.size(monitor.mailbox("bob@example.com")), "the smuggled RCPT was never executed");
    }

    @Test
    void crlfDotLfDoesNotEndTheMessageAndLosesOnlyItsTransparencyDot() throws Exception {
        try (RawSmtpClient client = inData()) {
            // RFC 5321 4.5.2: a line that starts with a dot and holds more loses the dot;
            // here the line (up to the next CRLF) is ".\nnext".
            client.send("before\r\n.\nnext\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("before\r\n\nnext\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void messageAndCommandsSentOneByteAPacketAreReadTheSame() throws Exception {
        String data = "Subject: trickle\r\n\r\n..dot\r\nbare\n.\nLF\r\n.\r\r\ncr\r.x\r\n\r\n";
        try (RawSmtpClient client = inData()) {
            // Every byte in a packet of its own: each state of the end-of-data scanner
            // meets a buffer boundary.
            for (byte b : (data + ".\r\nNOOP\r\n").getBytes(StandardCharsets.ISO_8859_1)) {
                client.send(new byte[] {b});
            }
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.readReply());
        }
        assertEquals("Subject: trickle\r\n\r\n.dot\r\nbare\n.\nLF\r\n\r\r\ncr\r.x\r\n\r\n",
                monitor.mailboxText("alice@example.com"));
    }

    @Test
    void messagesOfDifferentSizesOnOneConnectionEachStoreOnlyTheirOwnBytes() throws Exception {
        byte[] big = exactly(MAX_MESSAGE_SIZE - 5);
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), big).startsWith("250 "));
            assertTrue(client.sendMessage("a@client.test", List.of("bob@example.com"), "small\r\n").startsWith("250 "));
            assertTrue(client.sendMessage("a@client.test", List.of("carol@localhost"), "").startsWith("250 "));
            assertTrue(client.sendMessage("a@client.test", List.of("bob@example.com"), "x\r\n").startsWith("250 "));
        }
        assertArrayEquals(big, monitor.mailboxBytes("alice@example.com"));
        assertEquals("small\r\nx\r\n", monitor.mailboxText("bob@example.com"));
        assertEquals(0, Files.size(monitor.mailbox("carol@localhost")));
    }

    @Test
    void messageAtTheSizeLimitIsAccepted() throws Exception {
        byte[] data = exactly(MAX_MESSAGE_SIZE);
        try (RawSmtpClient client = inData()) {
            client.send(data);
            client.send(".\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertArrayEquals(data, monitor.mailboxBytes("alice@example.com"));
    }

    @Test
    void messageOverTheSizeLimitGets552AfterItsEndStoresNothingAndTheSessionGoesOn() throws Exception {
        try (RawSmtpClient client = inData()) {
            client.send(exactly(MAX_MESSAGE_SIZE + 1));
            // Past the limit the rest is still data, read to its end: had the server stopped
            // reading at the limit, these lines would be commands, and QUIT would end the session.
            client.send("..\r\nQUIT\r\n" + "y".repeat(50_000) + "\r\n.\r\n");
            assertEquals("552 Message size exceeds fixed maximum message size", client.readReply());
            // The transaction is over, but the session is not.
            assertEquals("503 Bad sequence of commands: need MAIL before RCPT", client.command("RCPT TO:<alice@example.com>"));
            String reply = client.sendMessage("a@client.test", List.of("alice@example.com"), "small\r\n");
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
        }
        assertEquals("small\r\n", monitor.mailboxText("alice@example.com"));
    }

    /** A message of {@code size} bytes, in lines of 100 ending in CRLF. */
    private static byte[] exactly(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ('a' + i % 26);
            if (i % 100 == 98) {
                data[i] = '\r';
            } else if (i % 100 == 99) {
                data[i] = '\n';
            }
        }
        data[size - 2] = '\r';
        data[size - 1] = '\n';
        return data;
    }
}
