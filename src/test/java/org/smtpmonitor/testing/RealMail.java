package org.smtpmonitor.testing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SSLContext;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Mail sent by a real client, Angus Mail (Jakarta Mail), many messages over one connection. */
public final class RealMail {

    /** A plain text message to send. */
    public record Letter(String sender, List<String> recipients, String subject, String body) {
        public Letter(String sender, String recipient, String subject, String body) {
            this(sender, List.of(recipient), subject, body);
        }
    }

    private RealMail() {
    }

    public static Session session(InetSocketAddress server) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", server.getHostString());
        properties.put("mail.smtp.port", String.valueOf(server.getPort()));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        return Session.getInstance(properties);
    }

    /**
     * A session to {@code 127.0.0.1:port} over TLS, STARTTLS required or implicit from the
     * first byte, trusting what {@code trusting} trusts and nothing else, and checking that
     * the certificate names the host; with SMTP AUTH when {@code auth}.
     */
    public static Session tlsSession(int port, boolean implicitTls, boolean auth, SSLContext trusting) {
        Properties properties = session(new InetSocketAddress("127.0.0.1", port)).getProperties();
        if (auth) {
            properties.put("mail.smtp.auth", "true");
        }
        if (implicitTls) {
            properties.put("mail.smtp.ssl.enable", "true");
        } else {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        properties.put("mail.smtp.ssl.socketFactory", trusting.getSocketFactory());
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        return Session.getInstance(properties);
    }

    /** Sends the letters in order, each in its own transaction, over one connection. */
    public static void send(InetSocketAddress server, List<Letter> letters) throws MessagingException {
        Session session = session(server);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (Letter letter : letters) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress(letter.sender()));
                message.setRecipients(Message.RecipientType.TO, String.join(", ", letter.recipients()));
                message.setSubject(letter.subject(), "UTF-8");
                message.setText(letter.body(), "UTF-8");
                message.saveChanges();
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
    }
}
