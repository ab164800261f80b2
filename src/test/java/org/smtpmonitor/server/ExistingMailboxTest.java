package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** Starting on a directory that already holds mail keeps that mail, byte for byte. */
class ExistingMailboxTest {

    @TempDir
    Path directory;

    @Test
    void startingAndDeliveringKeepsTheOldBytesFirst() throws Exception {
        byte[] old = "From old@x Mon Jan  1 00:00:00 2024\nSubject: old\n\n\u00e9t\u00e9 without a final newline"
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(directory.resolve("alice@example.com.txt"), old);
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            assertArrayEquals(old, monitor.mailboxBytes("alice@example.com"), "start-up changed an existing mailbox");
            assertEquals(0, Files.size(monitor.mailbox("bob@example.com")), "a missing mailbox is created empty");
            assertEquals(0, Files.size(monitor.mailbox("carol@localhost")));
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), "new\r\n").startsWith("250 "));
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(old);
            expected.writeBytes("new\r\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected.toByteArray(), monitor.mailboxBytes("alice@example.com"));
        }
        // A second start on the same directory keeps everything too.
        try (TestMonitor again = TestMonitor.start(directory)) {
            assertEquals(old.length + 5, again.mailboxBytes("alice@example.com").length);
        }
    }
}
