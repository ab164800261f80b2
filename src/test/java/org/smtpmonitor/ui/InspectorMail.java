package org.smtpmonitor.ui;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.smtpmonitor.testing.Python;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * Mail for the inspector's tests and benchmark, sent by real clients: messages built and sent
 * with Angus Mail (Jakarta Mail), and raw bytes (malformed or mislabelled on purpose) sent as
 * they are by Python's smtplib.
 */
final class InspectorMail {

    static final String ALICE = "alice@example.com";
    static final String BOB = "bob@example.com";
    static final String SENDER = "ann@test.org";

    private final InetSocketAddress server;

    InspectorMail(InetSocketAddress server) {
        this.server = server;
    }

    Session session() {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(server.getPort()));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "60000");
        return Session.getInstance(properties);
    }

    /** A message from {@link #SENDER} to {@code to}, with a subject, RFC 2047-encoded when not ASCII. */
    MimeMessage message(String subject, String... to) throws Exception {
        MimeMessage message = new MimeMessage(session());
        message.setFrom(new InternetAddress(SENDER, "Ann Sender"));
        for (String recipient : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject(subject, "UTF-8");
        return message;
    }

    /** Sends with Angus: MAIL FROM the sender, RCPT TO every To and Cc recipient. */
    static void send(MimeMessage message) throws Exception {
        message.saveChanges();
        Transport.send(message);
    }

    static MimeBodyPart text(String text, String charset, String transferEncoding) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text, charset);
        part.setHeader("Content-Transfer-Encoding", transferEncoding);
        return part;
    }

    static MimeBodyPart html(String html, String transferEncoding) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(html, "UTF-8", "html");
        part.setHeader("Content-Transfer-Encoding", transferEncoding);
        return part;
    }

    static MimeBodyPart file(byte[] bytes, String type, String name, String disposition) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
        if (name != null) {
            part.setFileName(name);
        }
        part.setDisposition(disposition);
        return part;
    }

    static MimeMultipart multipart(String subtype, MimeBodyPart... parts) throws Exception {
        MimeMultipart multipart = new MimeMultipart(subtype);
        for (MimeBodyPart part : parts) {
            multipart.addBodyPart(part);
        }
        return multipart;
    }

    static MimeBodyPart wrap(MimeMultipart multipart) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(multipart);
        return part;
    }

    /** Bytes of every value, in an order no encoding step can keep by chance. */
    static byte[] binary(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A 1x1 PNG. */
    static byte[] png() {
        return java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    }

    /**
     * A message of about {@code megabytes} MB as stored: a short text and HTML body and
     * {@code attachments} binary attachments (named {@code file-1.bin}, ...) that make up the rest.
     */
    MimeMessage large(String subject, int megabytes, int attachments) throws Exception {
        MimeMessage message = message(subject, ALICE);
        List<MimeBodyPart> parts = new ArrayList<>();
        parts.add(wrap(multipart("alternative", text("A large message.", "UTF-8", "7bit"),
                html("<p>A <b>large</b> message.</p>", "7bit"))));
        // Base64 makes 57 bytes 78 (76 and a line end).
        int each = (int) (megabytes * 1_000_000L * 57 / 78 / attachments);
        for (int i = 1; i <= attachments; i++) {
            parts.add(file(binary(each, i), "application/octet-stream", "file-" + i + ".bin", Part.ATTACHMENT));
        }
        message.setContent(multipart("mixed", parts.toArray(MimeBodyPart[]::new)));
        return message;
    }

    /** The bytes Angus sends for a message (before SMTP's dot-stuffing). */
    static byte[] bytes(MimeMessage message) throws Exception {
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** Sends {@code message} exactly as given (LF made CRLF) with Python's smtplib. */
    void sendRaw(Path work, String from, List<String> to, byte[] message) throws Exception {
        Python.assumeInstalled();
        Path file = Files.createTempFile(work, "raw", ".eml");
        Files.write(file, message);
        Python.run(work, String.join("\n",
                "import smtplib, sys",
                "data = open(sys.argv[2], 'rb').read()",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.sendmail(sys.argv[3], sys.argv[4:], data)"),
                concat(String.valueOf(server.getPort()), file.toString(), from, to));
        Files.delete(file);
    }

    private static String[] concat(String port, String file, String from, List<String> to) {
        List<String> args = new ArrayList<>(List.of(port, file, from));
        args.addAll(to);
        return args.toArray(String[]::new);
    }

    /** Text with LF line ends as CRLF bytes in {@code charset}. */
    static byte[] crlf(String text, java.nio.charset.Charset charset) {
        return text.replace("\n", "\r\n").getBytes(charset);
    }

    static byte[] crlf(String text) {
        return crlf(text, StandardCharsets.ISO_8859_1);
    }
}
