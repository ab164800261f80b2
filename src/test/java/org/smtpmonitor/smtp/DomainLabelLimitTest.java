package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * A domain label is at most 63 octets (RFC 1035 2.3.4, RFC 5321 4.5.3.1): an address with
 * a longer one is a syntax error in MAIL and RCPT, over a real socket.
 */
class DomainLabelLimitTest {

    private static final String LABEL_63 = "a".repeat(63);
    private static final String LABEL_64 = "b".repeat(64);

    @TempDir
    Path directory;

    @Test
    void senderWithALabelOver63CharactersIs501AndA63CharacterLabelIsAccepted() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory); RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("501 Syntax error in sender address", client.command("MAIL FROM:<me@" + LABEL_64 + ".test.org>"));
            assertEquals("501 Syntax error in sender address", client.command("MAIL FROM:<me@mail." + LABEL_64 + ">"));
            assertEquals("250 OK", client.command("MAIL FROM:<me@" + LABEL_63 + ".test.org>"));
        }
    }

    @Test
    void recipientWithALabelOver63CharactersIs501() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory); RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<me@test.org>"));
            assertEquals("501 Syntax error in recipient address", client.command("RCPT TO:<alice@" + LABEL_64 + ".com>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        }
    }
}
