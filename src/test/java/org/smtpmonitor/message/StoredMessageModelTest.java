package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.TestMonitor;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * A message written by a real mailer (Eclipse Angus) goes over SMTP into a mailbox file, is read back
 * from the file, and the model gives back what was sent: subject, text, HTML, inline image, attachment.
 */
class StoredMessageModelTest {

    private static final String SUBJECT = "Rapport trimestriel \u2014 \u00e9t\u00e9 2026 \u2600";
    // A line that starts "From " is quoted in an mbox file and must come back unquoted.
    private static final String TEXT = "Bonjour Alice,\r\n\r\nFrom the desk of Bob: le rapport est joint.\r\n"
            + ">From a quoted line\r\nGr\u00fc\u00dfe \u20ac\r\n";
    private static final String HTML = "<html><body><p>Bonjour <b>Alice</b>, \u00e9t\u00e9 \u2600</p>"
            + "<img src=\"cid:logo@client.test\"></body></html>";
    private static final String FILENAME = "R\u00e9sum\u00e9 \u00e9t\u00e9 2026.pdf";
    private static final Pattern MBOXRD_QUOTED_FROM = Pattern.compile("(?m)^>(>*From )");

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void whatAMailerSentIsWhatTheModelOfTheStoredMessageGives(MailboxFormat format) throws Exception {
        byte[] pdf = SampleMessages.pdfLike();
        byte[] png = SampleMessages.png();
        byte[] stored;
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format,
                25L << 20, 10, Duration.ofSeconds(30), false))) {
            Session session = mailSession(monitor.address().getPort());
            Transport.send(message(session, pdf, png));
            byte[] file = monitor.mailboxBytes("alice@example.com");
            stored = format == MailboxFormat.MBOX ? onlyMboxEntry(file) : file;
        }

        ParsedMessage message = MessageParser.parse(stored);

        assertEquals(List.of(), message.problems());
        assertEquals(SUBJECT, message.summary().subject());
        assertEquals("Bob <bob@client.test>", message.summary().from());
        assertEquals("alice@example.com", message.summary().to());
        assertEquals(stored.length, message.summary().size());
        assertEquals(Optional.of(TEXT), message.textBody());
        assertEquals(Optional.of(HTML), message.htmlBody());
        Part inlineImage = message.inlinePart("cid:logo@client.test").orElseThrow();
        assertArrayEquals(png, message.decodedBody(inlineImage));
        List<Part> attachments = message.attachments();
        assertEquals(1, attachments.size(), attachments.toString());
        assertEquals(FILENAME, attachments.get(0).filename());
        assertEquals("application/pdf", attachments.get(0).contentType());
        assertArrayEquals(pdf, message.decodedBody(attachments.get(0)));
    }

    private static Session mailSession(int port) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(port));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        return Session.getInstance(properties);
    }

    /** mixed(related(alternative(text, html), inline image), PDF attachment), as mail clients compose it. */
    private static MimeMessage message(Session session, byte[] pdf, byte[] png) throws Exception {
        MimeBodyPart text = new MimeBodyPart();
        text.setText(TEXT, "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(HTML, "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        MimeBodyPart alternativePart = new MimeBodyPart();
        alternativePart.setContent(alternative);

        MimeBodyPart image = new MimeBodyPart();
        image.setDataHandler(new DataHandler(new ByteArrayDataSource(png, "image/png")));
        image.setContentID("<logo@client.test>");
        image.setDisposition(jakarta.mail.Part.INLINE);
        MimeBodyPart relatedPart = new MimeBodyPart();
        relatedPart.setContent(new MimeMultipart("related", alternativePart, image));

        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(pdf, "application/pdf")));
        attachment.setFileName(FILENAME);
        attachment.setDisposition(jakarta.mail.Part.ATTACHMENT);

        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("bob@client.test", "Bob"));
        message.setRecipients(Message.RecipientType.TO, "alice@example.com");
        message.setSubject(SUBJECT, "UTF-8");
        message.setContent(new MimeMultipart("mixed", relatedPart, attachment));
        message.saveChanges();
        return message;
    }

    /** The one message of an mboxrd file: without its From line and closing blank line, unquoted. */
    private static byte[] onlyMboxEntry(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("From "), "an mbox file starts with a From line");
        assertTrue(text.endsWith("\n\n"), "an mbox message ends with a blank line");
        String entry = text.substring(text.indexOf('\n') + 1, text.length() - 1);
        return MBOXRD_QUOTED_FROM.matcher(entry).replaceAll("$1").getBytes(StandardCharsets.ISO_8859_1);
    }
}
