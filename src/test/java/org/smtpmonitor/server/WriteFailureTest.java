package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** A mailbox that cannot be written: 451, no partial copies anywhere, and the session goes on. */
class WriteFailureTest {

    @TempDir
    Path directory;

    @Test
    void failedDeliveryGets451LeavesEveryMailboxUnchangedAndIsReported() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory);
             RawSmtpClient client = monitor.ehloClient()) {
            assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), "kept\r\n").startsWith("250 "));
            // carol's mailbox is written after alice's: alice's copy must be cut back.
            Path carol = monitor.mailbox("carol@localhost");
            Files.delete(carol);
            Files.createDirectory(carol);

            assertEquals("451 Requested action aborted: local error in processing",
                    client.sendMessage("a@client.test", List.of("alice@example.com", "carol@localhost"), "lost\r\n"));
            assertEquals("kept\r\n", monitor.mailboxText("alice@example.com"));
            ServerError error = monitor.events().await(ServerError.class, e -> true);
            assertTrue(error.message().contains("could not store message"), error.message());

            // The transaction is over; the session is not.
            assertEquals("503 Bad sequence of commands: need MAIL before RCPT", client.command("RCPT TO:<alice@example.com>"));
            assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), "again\r\n").startsWith("250 "));
            assertEquals("kept\r\nagain\r\n", monitor.mailboxText("alice@example.com"));
        }
    }
}
