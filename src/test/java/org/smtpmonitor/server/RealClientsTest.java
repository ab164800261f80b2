package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.TestMonitor;

import jakarta.activation.DataHandler;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/** Real SMTP clients talk to the server: Eclipse Angus (Jakarta Mail), curl, Python's smtplib. */
class RealClientsTest {

    private static final String TEXT = "Hello Alice and Bob,\r\n\r\n.a line that starts with a dot\r\n"
            + "From a line that starts with From\r\nGr\u00fc\u00dfe, \u00e9t\u00e9 \u20ac\r\n";

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

    private Session mailSession(boolean allow8bit) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(monitor.address().getPort()));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        properties.put("mail.smtp.allow8bitmime", String.valueOf(allow8bit));
        return Session.getInstance(properties);
    }

    private static byte[] binaryAttachment() {
        byte[] bytes = new byte[70_000];
        new Random(42).nextBytes(bytes);
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static MimeMessage multipart(Session session, byte[] attachment) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@client.test"));
        message.setRecipients(Message.RecipientType.TO, "alice@example.com, bob@example.com");
        message.setSubject("Multipart with an attachment \u00e9", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(TEXT, "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("data.bin");
        file.setDisposition(Part.ATTACHMENT);
        MimeMultipart multipart = new MimeMultipart();
        multipart.addBodyPart(text);
        multipart.addBodyPart(file);
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }

    @Test
    void jakartaMailMultipartWithBinaryAttachmentArrivesIntactForBothRecipients() throws Exception {
        assertMultipartArrives(false);
    }

    @Test
    void jakartaMailSendingEightBitMimeArrivesIntact() throws Exception {
        assertMultipartArrives(true);
    }

    private void assertMultipartArrives(boolean allow8bit) throws Exception {
        Session session = mailSession(allow8bit);
        byte[] attachment = binaryAttachment();
        Transport.send(multipart(session, attachment));

        byte[] alice = monitor.mailboxBytes("alice@example.com");
        byte[] bob = monitor.mailboxBytes("bob@example.com");
        assertArrayEquals(alice, bob, "both recipients get the same bytes");
        MimeMessage stored = new MimeMessage(session, new ByteArrayInputStream(alice));
        assertEquals("Multipart with an attachment \u00e9", stored.getSubject());
        assertEquals("sender@client.test", ((InternetAddress) stored.getFrom()[0]).getAddress());
        assertEquals(2, stored.getRecipients(Message.RecipientType.TO).length);
        Multipart parts = (Multipart) stored.getContent();
        assertEquals(2, parts.getCount());
        BodyPart text = parts.getBodyPart(0);
        assertTrue(text.isMimeType("text/plain"), text.getContentType());
        assertEquals(TEXT, text.getContent());
        BodyPart file = parts.getBodyPart(1);
        assertEquals("data.bin", file.getFileName());
        assertEquals(Part.ATTACHMENT, file.getDisposition());
        assertArrayEquals(attachment, file.getInputStream().readAllBytes());
        if (allow8bit) {
            String raw = new String(alice, StandardCharsets.ISO_8859_1);
            assertTrue(raw.contains("Content-Transfer-Encoding: 8bit"), "the text went as 8bit");
        }
    }

    @Test
    void curlDeliversAFileToTwoRecipients() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        String message = "From: me@client.test\r\nSubject: from curl\r\n\r\n.leading dot\r\nFrom curl\r\nend\r\n";
        Path file = Files.writeString(directory.resolve("curl-message.txt"), message, StandardCharsets.ISO_8859_1);
        ExternalProcess.run(directory, List.of("/usr/bin/curl", "--silent", "--show-error", "--max-time", "30",
                "smtp://127.0.0.1:" + monitor.address().getPort(), "--mail-from", "me@client.test",
                "--mail-rcpt", "alice@example.com", "--mail-rcpt", "bob@example.com", "--upload-file", file.toString()), 60);
        assertEquals(message, monitor.mailboxText("alice@example.com"));
        assertEquals(message, monitor.mailboxText("bob@example.com"));
    }

    @Test
    void pythonSmtplibSeesTheExtensionsAndDeliversToTwoRecipients() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "message = b'From: py@client.test\\r\\nSubject: from smtplib\\r\\n\\r\\n.dot\\r\\ncaf\\xc3\\xa9\\r\\nbye\\r\\n'",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    code, _ = smtp.ehlo()",
                "    print('EHLO', code)",
                "    print('SIZE', smtp.esmtp_features.get('size'))",
                "    print('8BITMIME', smtp.has_extn('8bitmime'))",
                "    print('PIPELINING', smtp.has_extn('pipelining'))",
                "    refused = smtp.sendmail('py@client.test', ['alice@example.com', 'nobody@example.com', 'bob@example.com'],",
                "                            message, mail_options=['BODY=8BITMIME'])",
                "    print('REFUSED', sorted(refused.items()))",
                ""), String.valueOf(monitor.address().getPort()));
        assertEquals(String.join("\n", "EHLO 250", "SIZE 26214400", "8BITMIME True", "PIPELINING True",
                "REFUSED [('nobody@example.com', (550, b'Address unknown'))]", ""), out);
        String stored = new String("From: py@client.test\r\nSubject: from smtplib\r\n\r\n.dot\r\ncaf\u00e9\r\nbye\r\n"
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(stored, monitor.mailboxText("alice@example.com"));
        assertEquals(stored, monitor.mailboxText("bob@example.com"));
    }
}
