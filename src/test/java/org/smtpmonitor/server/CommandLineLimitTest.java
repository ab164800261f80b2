package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** The 1,000-byte limit on command lines (line ending included), under hostile input. */
class CommandLineLimitTest {

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

    @Test
    void overlongLineGets500BeforeItsEndAndTheSessionGoesOn() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            client.send("RCPT TO:<" + "x".repeat(1500));
            // The line has no end yet: the reply must come without it.
            assertEquals("500 Line too long", client.readReply());
            client.send("y".repeat(100_000));
            client.send("@example.com>\r\n");
            // The rest of the long line was discarded, not taken for a command, and the
            // transaction under way is untouched.
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("after the long line\r\n.\r\n");
            assertEquals("250", client.readReply().substring(0, 3));
        }
        assertEquals("after the long line\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void lineOfExactly1000BytesWithCrlfIsACommand() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            String line = "NOOP " + "x".repeat(1000 - 2 - 5);
            assertEquals(998, line.length());
            assertEquals("250 OK", client.command(line));
        }
    }

    @Test
    void lineOf1001BytesSentInOneWriteWithItsEndGets500() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("500 Line too long", client.command("NOOP " + "x".repeat(1000 - 2 - 4)));
            assertEquals("250 OK", client.command("NOOP"));
        }
    }

    @Test
    void longCompleteLineInOnePacketGets500AndIsNotExecuted() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("500 Line too long", client.command("MAIL FROM:<" + "a".repeat(5000) + "@client.test>"));
            // Had the long MAIL been taken, this would be a nested MAIL (503).
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
        }
    }

    @Test
    void pipelinedCommandAfterALongLineIsStillAnswered() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            client.send("NOOP " + "z".repeat(3000) + "\r\nNOOP\r\n");
            assertEquals("500 Line too long", client.readReply());
            assertEquals("250 OK", client.readReply());
        }
    }
}
