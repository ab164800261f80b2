package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * {@code smtp-monitor USERS_FILE --headless} as a real process: it logs each session to
 * the console and, on SIGTERM, tells connected clients 421 and stops, keeping what it
 * stored.
 */
class HeadlessProcessTest {

    @TempDir
    Path directory;

    @Test
    void headlessServerLogsSessionsAndStopsCleanlyOnSigterm() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        List<String> log;
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", directory.toString())) {
            try (RawSmtpClient sender = RawSmtpClient.connectGreeted(server.address());
                 RawSmtpClient idle = RawSmtpClient.connectGreeted(server.address())) {
                sender.command("EHLO client.test");
                String reply = sender.sendMessage("a@client.test", List.of("alice@example.com"), "Subject: hi\r\n\r\nhello\r\n");
                assertTrue(reply.startsWith("250 OK: queued as "), reply);
                server.awaitLine(Pattern.compile(".* Delivered \\S+: 22 bytes from <a@client\\.test> to alice@example\\.com"));

                // SIGTERM.
                assertTrue(server.terminate());
                String goodbye = "421 example.com Server shutting down, closing transmission channel";
                assertEquals(goodbye, idle.readReply());
                idle.assertClosedByServer();
                assertEquals(goodbye, sender.readReply());
                sender.assertClosedByServer();
            }
            // The JVM reports the signal that ended it: 128 + 15.
            assertEquals(143, server.awaitExit(20, "SIGTERM"));
            log = server.output();
        }
        assertEquals("Subject: hi\r\n\r\nhello\r\n", Files.readString(directory.resolve("alice@example.com.txt")));
        String text = String.join("\n", log);
        for (String expected : List.of("[1] Connection from 127.0.0.1:", "[1] S: 220 example.com ESMTP smtp-monitor ready",
                "[1] C: EHLO client.test", "[1] S: 250-SIZE 26214400", "[1] C: MAIL FROM:<a@client.test>",
                "[1] S: 250 OK", "[1] C: <message: 22 bytes, 3 lines>", "[1] S: 250 OK: queued as ",
                "[1] S: 421 example.com Server shutting down", "[2] Closed (server shutdown)", "Server stopped")) {
            assertTrue(text.contains(expected), "the log lacks '" + expected + "':\n" + text);
        }
        assertTrue(text.indexOf("[1] C: MAIL FROM") < text.indexOf("[1] S: 250 OK: queued as"), text);
    }

    @Test
    void withNoIndexTheServerDeliversAndOpensNoIndex() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", directory.toString(),
                "--no-index");
             RawSmtpClient sender = RawSmtpClient.connectGreeted(server.address())) {
            sender.command("EHLO client.test");
            String reply = sender.sendMessage("a@client.test", List.of("alice@example.com"), "Subject: hi\r\n\r\nhello\r\n");
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
            assertTrue(server.terminate());
            assertEquals(143, server.awaitExit(20, "SIGTERM"));
        }
        assertEquals("Subject: hi\r\n\r\nhello\r\n", Files.readString(directory.resolve("alice@example.com.txt")));
        assertFalse(Files.exists(directory.resolve(".smtp-monitor").resolve("index.db")), "no index was opened");
    }
}
