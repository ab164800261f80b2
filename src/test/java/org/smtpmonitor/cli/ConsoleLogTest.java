package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** The headless log's lines. */
class ConsoleLogTest {

    private static final Instant AT = Instant.parse("2026-11-24T07:05:09.042Z");

    @Test
    void eachEventIsOneLineTaggedWithItsSession() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleLog(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(List.of(
                new ServerStarted(new InetSocketAddress("127.0.0.1", 12000), "example.com", AT),
                new SessionOpened(3, new InetSocketAddress("127.0.0.1", 40000), AT),
                new LineReceived(3, "MAIL FROM:<a@x>", AT),
                new ReplySent(3, "250 OK", AT),
                new MessageDelivered(3, "Q.1", "a@x", List.of("alice@example.com"),
                        List.of(new StoredCopy("alice@example.com", Path.of("a.txt"), 0, 12)), 12, AT),
                new ServerError(3, "could not store message Q.2: disk full", AT),
                new SessionClosed(3, SessionClosed.Reason.QUIT, AT),
                new ServerError(0, "smtp-accept died", AT),
                new ServerStopped(AT)));
        String time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").format(LocalTime.ofInstant(AT, ZoneId.systemDefault()));
        List<String> expected = List.of(
                "Waiting for connections on 127.0.0.1:12000",
                "[3] Connection from 127.0.0.1:40000",
                "[3] C: MAIL FROM:<a@x>",
                "[3] S: 250 OK",
                "[3] Delivered Q.1: 12 bytes from <a@x> to alice@example.com",
                "[3] Error: could not store message Q.2: disk full",
                "[3] Closed (quit)",
                "Error: smtp-accept died",
                "Server stopped");
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(expected.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(time + " " + expected.get(i), lines.get(i));
        }
    }

    @Test
    void controlBytesAClientSendsAreLoggedEscapedNeverRaw(@TempDir Path directory) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleLog log = new ConsoleLog(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory),
                event -> log.print(List.of(event)));
             RawSmtpClient client = monitor.client()) {
            // Would retitle and clear the operator's terminal.
            client.command("HELO \u001b]0;pwned\u0007\u001b[2J");
            // The bare CR would return the cursor, and the rest would print over the line as a line of its own.
            client.command("NOOP \r12:00:00.000 [1] Delivered Q.1: 12 bytes from <boss@example.com> to alice@example.com");
            // U+009B (CSI) as UTF-8, and as the lone byte an 8-bit terminal would obey, which is not UTF-8.
            client.send("NOOP \u0000\u007f\u009b31m\r\n".getBytes(StandardCharsets.UTF_8));
            client.readReply();
            client.command("NOOP \u009b31m");
            client.command("QUIT");
            monitor.events().awaitClosedSessions(1);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c != '\n' && (c < 0x20 || c >= 0x7f && c <= 0x9f);
            assertTrue(!control, "raw U+" + Integer.toHexString(c) + " at " + i + " of the log:\n" + text);
        }
        assertTrue(text.contains("[1] C: HELO \\x1b]0;pwned\\x07\\x1b[2J\n"), text);
        assertTrue(text.contains("[1] C: NOOP \\x0d12:00:00.000 [1] Delivered Q.1:"), text);
        assertTrue(text.contains("[1] C: NOOP \\x00\\x7f\\x9b31m\n"), text);
        assertTrue(text.contains("[1] C: NOOP \ufffd31m\n"), text);
        for (String line : text.split("\n")) {
            assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\[1] |Waiting for |TLS certificate |Server stopped).*"), "a line of its own: " + line);
        }
    }

    @Test
    void timesArePaddedAndWrapAtMidnight() {
        StringBuilder text = new StringBuilder();
        ConsoleLog.appendTime(text, 86_400_000L * 3 + 3_600_000L * 9 + 60_000L * 5 + 7_000 + 8);
        assertEquals("09:05:07.008", text.toString());
        text.setLength(0);
        ConsoleLog.appendTime(text, -1);
        assertEquals("23:59:59.999", text.toString());
    }
}
