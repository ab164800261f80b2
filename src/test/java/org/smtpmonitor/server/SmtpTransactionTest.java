package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** SMTP transactions over a real socket against the real server, checked in the mailbox files. */
class SmtpTransactionTest {

    private static final String EHLO_REPLY = String.join("\n",
            "250-example.com Hello client.test",
            "250-SIZE 26214400",
            "250-8BITMIME",
            "250-PIPELINING",
            "250-SMTPUTF8",
            "250-STARTTLS",
            "250 HELP");

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
    void fullTransactionStoresExactlyTheDataAndQuitCloses() throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connect(monitor.address())) {
            assertEquals("220 example.com ESMTP smtp-monitor ready", client.readReply());
            assertEquals(EHLO_REPLY, client.command("EHLO client.test"));
            assertEquals("250 OK", client.command("MAIL FROM:<sender@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", client.command("DATA"));
            client.send("Subject: hello\r\n\r\nHi Alice!\r\n.\r\n");
            String reply = client.readReply();
            assertTrue(reply.matches("250 OK: queued as \\S+"), reply);
            assertEquals("221 example.com Service closing transmission channel", client.command("QUIT"));
            client.assertClosedByServer();
        }
        assertEquals("Subject: hello\r\n\r\nHi Alice!\r\n", monitor.mailboxText("alice@example.com"));
        assertEquals(0, Files.size(monitor.mailbox("bob@example.com")));
    }

    @Test
    void twoMessagesOnOneConnectionAreAppendedInOrderWithDistinctQueueIds() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            String first = client.sendMessage("a@client.test", List.of("alice@example.com"), "Subject: one\r\n\r\n1\r\n");
            String second = client.sendMessage("a@client.test", List.of("alice@example.com"), "Subject: two\r\n\r\n2\r\n");
            assertTrue(first.startsWith("250 OK: queued as "), first);
            assertTrue(second.startsWith("250 OK: queued as "), second);
            assertFalse(first.equals(second), "queue ids must differ: " + first);
        }
        assertEquals("Subject: one\r\n\r\n1\r\nSubject: two\r\n\r\n2\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void everyRecipientGetsTheMessageOnceWhateverTheCaseOfTheAddress() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals("250 OK", client.command("RCPT TO:<BOB@Example.COM>"));
            assertEquals("250 OK", client.command("RCPT TO:<carol@localhost>"));
            assertEquals("250 OK", client.command("RCPT TO:<Alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("Subject: all\r\n\r\nfor everyone\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        String message = "Subject: all\r\n\r\nfor everyone\r\n";
        assertEquals(message, monitor.mailboxText("alice@example.com"), "alice, named twice, gets one copy");
        assertEquals(message, monitor.mailboxText("bob@example.com"));
        assertEquals(message, monitor.mailboxText("carol@localhost"));
    }

    @Test
    void unknownRecipientGets550AndTheTransactionGoesOn() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("550 Address unknown", client.command("RCPT TO:<nobody@example.com>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals("550 Address unknown", client.command("RCPT TO:<alice@elsewhere.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("x\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("x\r\n", monitor.mailboxText("alice@example.com"));
        assertEquals("x\r\n", monitor.mailboxText("bob@example.com"));
        assertFalse(Files.exists(monitor.mailbox("nobody@example.com")));
    }

    @Test
    void unrecognizedInputGets500AndTheTransactionGoesOn() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("500 Syntax error, command unrecognized", client.command("FOO bar"));
            assertEquals("500 Syntax error, command unrecognized", client.command(""));
            assertEquals("500 Syntax error, command unrecognized", client.command("MAIL FROM:<\u00e9@x>"));
            client.send(new byte[] {(byte) 0xff, (byte) 0xfe, 0, '\r', '\n'});
            assertEquals("500 Syntax error, command unrecognized", client.readReply());
            // The sender given before is still there: no second MAIL, and RCPT is accepted.
            assertEquals("503 Bad sequence of commands: sender already given", client.command("MAIL FROM:<b@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("still here\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("still here\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void knownVerbWithBadArgumentsGets501AndKeepsTheTransaction() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertTrue(client.command("RSET now").startsWith("501 "), "RSET with an argument is refused");
            assertTrue(client.command("RCPT TO:<a b>").startsWith("501 "));
            assertTrue(client.command("RCPT alice@example.com").startsWith("501 "));
            assertTrue(client.command("DATA now").startsWith("501 "));
            // The refused RSET reset nothing: alice is still a recipient.
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("kept\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("kept\r\n", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void rsetAbandonsTheTransactionAndAllowsANewOne() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"));
            assertEquals("250 OK", client.command("RSET"));
            assertTrue(client.command("DATA").startsWith("503 Bad sequence of commands"));
            assertEquals("503 Bad sequence of commands: need MAIL before RCPT", client.command("RCPT TO:<bob@example.com>"));
            assertEquals("250 OK", client.command("MAIL FROM:<b@client.test>"));
            assertEquals("503 Bad sequence of commands: need RCPT before DATA", client.command("DATA"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("after reset\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("after reset\r\n", monitor.mailboxText("alice@example.com"));
        assertEquals(0, Files.size(monitor.mailbox("bob@example.com")), "bob was dropped by RSET");
    }

    @Test
    void heloAndEhloAnswerWithTheDomainAndTheExtensions() throws Exception {
        try (RawSmtpClient client = monitor.client()) {
            assertEquals("501 Syntax: HELO hostname", client.command("HELO"));
            assertEquals("501 Syntax: EHLO hostname", client.command("EHLO   "));
            assertEquals("250 example.com Hello client.test", client.command("HELO client.test"));
            assertEquals(EHLO_REPLY, client.command("ehlo client.test"));
            assertEquals("250 OK", client.command("NOOP"));
            assertEquals("252 Cannot VRFY user, but will accept message and attempt delivery", client.command("VRFY alice"));
            String help = client.command("HELP");
            assertTrue(help.startsWith("214-") && help.contains("\n214 "), help);
            assertEquals("502 Command not implemented", client.command("EXPN staff"));
        }
    }

    @Test
    void mailBeforeHeloGets503AndHeloThenAllowsIt() throws Exception {
        try (RawSmtpClient client = monitor.client()) {
            assertEquals("503 Bad sequence of commands: send HELO or EHLO first", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("250 example.com Hello client.test", client.command("HELO client.test"));
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
        }
    }

    @Test
    void handTypedSenderFormsAndTheNullSenderAreAccepted() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            for (String mail : List.of("MAIL FROM:<a@client.test>", "mail from: <a@client.test>", "MAIL FROM:a@client.test",
                    "MAIL FROM:<>")) {
                assertEquals("250 OK", client.command(mail), mail);
                assertEquals("250 OK", client.command("RSET"));
            }
        }
    }

    @Test
    void sizeParameterOverTheLimitGets552AndWithinItIsAccepted() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("552 Message size exceeds fixed maximum message size",
                    client.command("MAIL FROM:<a@client.test> SIZE=26214401"));
            assertEquals("250 OK", client.command("MAIL FROM:<a@client.test> SIZE=26214400 BODY=8BITMIME"));
            assertEquals("555 MAIL FROM/RCPT TO parameters not recognized or not implemented",
                    client.command("RCPT TO:<alice@example.com> NOTIFY=NEVER"));
        }
    }

    @Test
    void pipelinedTransactionGetsEveryReplyInOrder() throws Exception {
        try (RawSmtpClient client = monitor.client()) {
            client.send("EHLO client.test\r\n"
                    + "MAIL FROM:<a@client.test>\r\n"
                    + "RCPT TO:<alice@example.com>\r\n"
                    + "RCPT TO:<nobody@example.com>\r\n"
                    + "RCPT TO:<bob@example.com>\r\n"
                    + "DATA\r\n"
                    + "Subject: piped\r\n\r\nfirst\r\n.\r\n"
                    + "MAIL FROM:<b@client.test>\r\n"
                    + "RCPT TO:<bob@example.com>\r\n"
                    + "DATA\r\n"
                    + "second\r\n.\r\n"
                    + "NOOP\r\n"
                    + "QUIT\r\n");
            assertEquals(EHLO_REPLY, client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals("550 Address unknown", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", client.readReply());
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", client.readReply());
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.readReply());
            assertEquals("221 example.com Service closing transmission channel", client.readReply());
            client.assertClosedByServer();
        }
        assertEquals("Subject: piped\r\n\r\nfirst\r\n", monitor.mailboxText("alice@example.com"));
        assertArrayEquals("Subject: piped\r\n\r\nfirst\r\nsecond\r\n".getBytes(StandardCharsets.US_ASCII),
                monitor.mailboxBytes("bob@example.com"));
    }

    @Test
    void commandLinesMayEndInABareLf() throws Exception {
        try (RawSmtpClient client = monitor.client()) {
            client.send("HELO client.test\nMAIL FROM:<a@client.test>\nRCPT TO:<alice@example.com>\nDATA\n");
            assertEquals("250 example.com Hello client.test", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals("250 OK", client.readReply());
            assertEquals(354, client.readCode());
            client.send("lf\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("lf\r\n", monitor.mailboxText("alice@example.com"));
    }
}
