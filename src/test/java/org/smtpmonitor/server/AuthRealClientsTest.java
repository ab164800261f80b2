package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.TestMonitor;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Real clients log in: swaks ({@code -a PLAIN|LOGIN|CRAM-MD5}), Python's smtplib, curl and
 * Angus Mail, against {@code --auth users} in the clear with {@code --allow-insecure-auth}
 * (over TLS, as by default: {@link AuthOverTlsRealClientsTest}). Each message lands, each
 * login shows as an event, and no password shows anywhere.
 */
class AuthRealClientsTest {

    private static final String PASSWORD = "s3cret pa55";
    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.startCheckingPasswords(directory, PASSWORD);
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private String port() {
        return String.valueOf(monitor.port());
    }

    private List<String> logins() {
        return monitor.events().all().stream().filter(SessionAuthenticated.class::isInstance).map(EventText::of).toList();
    }

    private void assertNoPasswordInAnyEvent() {
        AuthOverSocketsTest.assertNoPassword(monitor.events().all().stream().map(e -> EventText.of(e) + " " + e).toList(),
                PASSWORD);
    }

    @ParameterizedTest(name = "swaks -a {0}")
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5"})
    void swaksLogsInWithEachMechanismAndDelivers(String mechanism) throws Exception {
        assumeTrue(Files.isExecutable(SWAKS), "swaks is not installed");
        ExternalProcess.run(directory, List.of(SWAKS.toString(), "--server", "127.0.0.1", "--port", port(),
                "--helo", "client.test", "--from", "swaks@client.test", "--to", "alice@example.com",
                "--header", "Subject: swaks " + mechanism, "-a", mechanism, "-au", "alice@example.com", "-ap", PASSWORD,
                "--timeout", "30"), 60);
        assertTrue(monitor.mailboxText("alice@example.com").contains("Subject: swaks " + mechanism));
        assertEquals(List.of("-- AUTH " + mechanism + " alice@example.com"), logins());
        assertNoPasswordInAnyEvent();
    }

    @Test
    void pythonLogsInWithEachMechanismAndAWrongPasswordIsRefused() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "port, user, password = int(sys.argv[1]), 'alice@example.com', sys.argv[2]",
                "def send(mechanism, password):",
                "    with smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=30) as smtp:",
                "        smtp.ehlo()",
                "        try:",
                "            if mechanism is None:",
                "                smtp.login(user, password)",
                "            else:",
                "                smtp.user, smtp.password = user, password",
                "                smtp.auth(mechanism, getattr(smtp, 'auth_' + mechanism.lower().replace('-', '_')))",
                "        except smtplib.SMTPAuthenticationError as e:",
                "            print(mechanism, 'refused', e.smtp_code, e.smtp_error.decode())",
                "            return",
                "        smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: %s\\r\\n\\r\\nhi\\r\\n' % mechanism)",
                "        print(mechanism, 'sent')",
                "send(None, password)",
                "for mechanism in ['CRAM-MD5', 'PLAIN', 'LOGIN']:",
                "    send(mechanism, password)",
                "    send(mechanism, password + 'x')",
                ""), port(), PASSWORD);
        String refused = " refused 535 5.7.8 Authentication credentials invalid";
        assertEquals(String.join("\n", "None sent", "CRAM-MD5 sent", "CRAM-MD5" + refused, "PLAIN sent", "PLAIN" + refused,
                "LOGIN sent", "LOGIN" + refused, ""), out);
        // login() picks the strongest mechanism offered.
        assertEquals(List.of("-- AUTH CRAM-MD5 alice@example.com", "-- AUTH CRAM-MD5 alice@example.com",
                "-- AUTH PLAIN alice@example.com", "-- AUTH LOGIN alice@example.com"), logins());
        String mailbox = monitor.mailboxText("alice@example.com");
        for (String subject : List.of("None", "CRAM-MD5", "PLAIN", "LOGIN")) {
            assertTrue(mailbox.contains("Subject: " + subject + "\r\n"), mailbox);
        }
        assertNoPasswordInAnyEvent();
    }

    @Test
    void curlLogsInWithPlainAndDelivers() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        Path file = Files.writeString(directory.resolve("curl.txt"), "Subject: from curl\r\n\r\nhi\r\n");
        ExternalProcess.run(directory, List.of(CURL.toString(), "--silent", "--show-error", "--max-time", "30",
                "smtp://127.0.0.1:" + port(), "--user", "alice@example.com:" + PASSWORD, "--login-options", "AUTH=PLAIN",
                "--mail-from", "curl@client.test", "--mail-rcpt", "alice@example.com", "--upload-file", file.toString()), 60);
        assertEquals("Subject: from curl\r\n\r\nhi\r\n", monitor.mailboxText("alice@example.com"));
        assertEquals(List.of("-- AUTH PLAIN alice@example.com"), logins());
        assertNoPasswordInAnyEvent();
    }

    @ParameterizedTest(name = "Angus Mail, mechanisms {0}")
    @ValueSource(strings = {"LOGIN PLAIN", "PLAIN"})
    void angusMailLogsInAndDelivers(String mechanisms) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", port());
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.auth.mechanisms", mechanisms);
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("angus@client.test"));
        message.setRecipients(Message.RecipientType.TO, "alice@example.com");
        message.setSubject("from Angus");
        message.setText("hi");
        Transport.send(message, "alice@example.com", PASSWORD);
        assertTrue(new String(monitor.mailboxBytes("alice@example.com"), StandardCharsets.ISO_8859_1).contains("Subject: from Angus"));
        assertEquals(List.of("-- AUTH " + mechanisms.split(" ")[0] + " alice@example.com"), logins());
        assertNoPasswordInAnyEvent();
    }
}
