package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** --require-helo-domain: the classroom rule that the sender's domain is the HELO domain. */
class RequireHeloDomainTest {

    @TempDir
    Path directory;

    @Test
    void senderOfAnotherDomainGets550AndMayTryAgain() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.RAW,
                1 << 20, 10, Duration.ofSeconds(30), true));
             RawSmtpClient client = monitor.client()) {
            assertEquals("250 example.com Hello client.test", client.command("HELO client.test"));
            assertEquals("550 Sender domain must match the HELO domain client.test",
                    client.command("MAIL FROM:<someone@other.test>"));
            assertEquals("550 Sender domain must match the HELO domain client.test",
                    client.command("MAIL FROM:<someone@sub.client.test>"));
            // The refusal started no transaction: the client tries again with a right sender.
            assertEquals("250 OK", client.command("MAIL FROM:<someone@Client.Test>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("ok\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("ok\r\n", monitor.mailboxText("alice@example.com"));
        }
    }

    @Test
    void withoutTheOptionAnySenderDomainIsAccepted() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory);
             RawSmtpClient client = monitor.client()) {
            assertEquals("250 example.com Hello client.test", client.command("HELO client.test"));
            assertEquals("250 OK", client.command("MAIL FROM:<someone@other.test>"));
        }
    }
}
