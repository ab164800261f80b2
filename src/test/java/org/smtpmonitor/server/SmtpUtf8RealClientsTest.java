package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * SMTPUTF8 (RFC 6531) over real sockets: UTF-8 users of the users file get mail from
 * Python's smtplib in mailbox files named by their address in composed form, and what is not
 * UTF-8, or not asked for as such, is refused.
 */
class SmtpUtf8RealClientsTest {

    /** jörg, a Devanagari name, and a Chinese name at 例え.テスト written as its A-label. */
    private static final String USERS = "j\u00f6rg@example.com\n\u0909\u092A\u092F\u094B\u0917\u0915\u0930\u094D\u0924\u093E@example.com\n"
            + "\u7528\u6237@xn--r8jz45g.xn--zckzah\nalice@example.com\n";

    @TempDir
    Path directory;

    private TestMonitor monitor;

    private void start(MailboxFormat format) throws Exception {
        Files.writeString(directory.resolve("users.txt"), USERS, StandardCharsets.UTF_8);
        monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format));
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private String utf8Command(RawSmtpClient client, String line) throws Exception {
        client.send((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        return client.readReply();
    }

    @Test
    void pythonSendsWithSmtpUtf8ToUtf8UsersWhoseFilesAreNamedSafely() throws Exception {
        Python.assumeInstalled();
        start(MailboxFormat.RAW);
        String out = Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "message = 'Subject: gr\\u00fc\\u00dfe\\r\\n\\r\\nhallo\\r\\n'.encode('utf-8')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.ehlo()",
                "    print('SMTPUTF8', smtp.has_extn('smtputf8'))",
                // The ö written decomposed, the domain in Unicode: both find their user.
                "    refused = smtp.sendmail('pel\\u00e9@client.test', ['jo\\u0308rg@example.com',",
                "        '\\u0909\\u092A\\u092F\\u094B\\u0917\\u0915\\u0930\\u094D\\u0924\\u093E@example.com',",
                "        '\\u7528\\u6237@\\u4f8b\\u3048.\\u30c6\\u30b9\\u30c8', 'nobody\\u00e9@example.com'],",
                "        message, mail_options=['SMTPUTF8', 'BODY=8BITMIME'])",
                "    print('REFUSED', list(refused))",
                ""), String.valueOf(monitor.port()));
        assertEquals("SMTPUTF8 True\nREFUSED ['nobody\u00e9@example.com']\n", out);
        byte[] message = "Subject: gr\u00fc\u00dfe\r\n\r\nhallo\r\n".getBytes(StandardCharsets.UTF_8);
        for (String user : List.of("j\u00f6rg@example.com", "\u0909\u092A\u092F\u094B\u0917\u0915\u0930\u094D\u0924\u093E@example.com",
                "\u7528\u6237@xn--r8jz45g.xn--zckzah")) {
            assertTrue(Files.isRegularFile(directory.resolve(user + ".txt")), user);
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.contains("@")).sorted().toList();
            assertEquals(List.of("alice@example.com.txt", "j\u00f6rg@example.com.txt",
                    "\u0909\u092A\u092F\u094B\u0917\u0915\u0930\u094D\u0924\u093E@example.com.txt",
                    "\u7528\u6237@xn--r8jz45g.xn--zckzah.txt"), names, "no other mailbox: the decomposed jörg is the composed one");
        }
        assertEquals(new String(message, StandardCharsets.ISO_8859_1), monitor.mailboxText("j\u00f6rg@example.com"));
        MessageDelivered delivered = monitor.events().await(MessageDelivered.class, e -> true);
        assertEquals("pel\u00e9@client.test", delivered.sender());
        assertTrue(monitor.events().all().stream().anyMatch(e -> e instanceof LineReceived l
                && l.text().equals("rcpt TO:<\u7528\u6237@\u4f8b\u3048.\u30c6\u30b9\u30c8>")), "the transcript shows the line decoded: "
                + monitor.events().all().stream().filter(LineReceived.class::isInstance).toList());
    }

    @Test
    void utf8WithoutSmtpUtf8AndBytesThatAreNotUtf8AreRefusedAndTheSessionGoesOn() throws Exception {
        start(MailboxFormat.RAW);
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("553 5.6.7 Non-ASCII addresses not permitted for that sender without SMTPUTF8",
                    utf8Command(client, "MAIL FROM:<pel\u00e9@client.test>"));
            // "pelé" in Latin-1: one byte that is not UTF-8.
            client.send("MAIL FROM:<pel\u00e9@client.test> SMTPUTF8\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("500 Syntax error, command unrecognized", client.readReply());
            assertEquals("501 Syntax error in sender address", utf8Command(client, "MAIL FROM:<moc.elpmaxe\u202e@evil> SMTPUTF8"));
            assertEquals("250 OK", utf8Command(client, "MAIL FROM:<a@client.test>"));
            assertEquals("553 5.6.7 Non-ASCII addresses not permitted for that recipient without SMTPUTF8",
                    utf8Command(client, "RCPT TO:<j\u00f6rg@example.com>"));
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("plain\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        assertEquals("plain\r\n", monitor.mailboxText("alice@example.com"));
        assertEquals("", monitor.mailboxText("j\u00f6rg@example.com"));
    }

    @Test
    void anMboxFromLineKeepsAUtf8SenderAsUtf8() throws Exception {
        start(MailboxFormat.MBOX);
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", utf8Command(client, "MAIL FROM:<pel\u00e9@client.test> SMTPUTF8"));
            assertEquals("250 OK", utf8Command(client, "RCPT TO:<J\u00d6RG@example.com>"));
            assertEquals(354, client.readCodeOf("DATA"));
            client.send("hi\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
        }
        String mailbox = new String(monitor.mailboxBytes("j\u00f6rg@example.com"), StandardCharsets.UTF_8);
        assertTrue(mailbox.startsWith("From pel\u00e9@client.test "), mailbox);
    }
}
