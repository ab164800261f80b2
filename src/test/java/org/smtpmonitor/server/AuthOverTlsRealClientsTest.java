package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RealMail;
import org.smtpmonitor.testing.TestMonitor;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Real clients log in over TLS to the server as it is by default (AUTH offered only once
 * TLS is up), with {@code --auth users}: swaks, Python's smtplib, curl, Angus Mail and
 * openssl, over STARTTLS and implicit TLS, checking our certificate. Each login shows as
 * an event of a session that had started TLS first, and no password shows anywhere.
 */
class AuthOverTlsRealClientsTest {

    static final String PASSWORD = "s3cret pa55";
    static final String USERS = "alice@example.com " + PASSWORD + "\nbob@example.com\n";
    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(directory.resolve("users.txt"), USERS);
        Settings settings = TestMonitor.settingsWithTlsPort(directory);
        // Secure AUTH as by default; only the delay after a failure is short, for the test's sake.
        monitor = TestMonitor.start(directory, settings.withAuth(
                new AuthPolicy(AuthMode.USERS, false, false, Duration.ofMillis(100), 3)));
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private String port() {
        return String.valueOf(monitor.port());
    }

    private String tlsPort() {
        return String.valueOf(monitor.tlsAddress().getPort());
    }

    /** The logins, as the transcript shows them. */
    static List<String> logins(TestMonitor monitor) {
        return monitor.events().all().stream().filter(SessionAuthenticated.class::isInstance).map(EventText::of).toList();
    }

    /** Every session that logged in had started TLS before, and no event shows the password. */
    static void assertLoginsOverTlsWithoutPassword(TestMonitor monitor, String password) {
        List<SessionAuthenticated> logins = monitor.events().all().stream().filter(SessionAuthenticated.class::isInstance)
                .map(SessionAuthenticated.class::cast).toList();
        assertTrue(!logins.isEmpty(), "no login at all");
        for (SessionAuthenticated login : logins) {
            List<Object> session = List.copyOf(monitor.events().ofSession(login.sessionId()));
            int tls = indexOf(session, TlsStarted.class);
            assertTrue(tls >= 0 && tls < session.indexOf(login), "session " + login.sessionId()
                    + " logged in without TLS: " + session);
        }
        AuthOverSocketsTest.assertNoPassword(monitor.events().all().stream().map(e -> EventText.of(e) + " " + e).toList(),
                password);
    }

    private static int indexOf(List<Object> events, Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private String run(List<String> command) throws Exception {
        return ExternalProcess.run(directory, command, 60);
    }

    private static void assumeSwaksSpeaksTls() throws Exception {
        assumeTrue(Files.isExecutable(SWAKS), "swaks is not installed");
        Process perl = new ProcessBuilder("perl", "-MNet::SSLeay", "-e", "1").redirectErrorStream(true).start();
        perl.getInputStream().readAllBytes();
        assumeTrue(perl.waitFor() == 0, "swaks cannot speak TLS here: Perl's Net::SSLeay is missing");
    }

    private List<String> swaks(String mechanism, String... how) {
        List<String> command = new ArrayList<>(List.of(SWAKS.toString(), "--helo", "client.test",
                "--from", "swaks@client.test", "--to", "alice@example.com", "--header", "Subject: swaks " + mechanism,
                "-a", mechanism, "-au", "alice@example.com", "-ap", PASSWORD, "--timeout", "30"));
        command.addAll(List.of(how));
        return command;
    }

    @ParameterizedTest(name = "swaks -tls -a {0}")
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5"})
    void swaksStartsTlsThenLogsInWithEachMechanism(String mechanism) throws Exception {
        assumeSwaksSpeaksTls();
        String out = run(swaks(mechanism, "-tls", "--server", "127.0.0.1:" + port()));
        assertTrue(out.contains("TLS started with cipher TLSv1.3") && out.contains("235 2.7.0"), out);
        assertTrue(monitor.mailboxText("alice@example.com").contains("Subject: swaks " + mechanism + "\r\n"));
        assertEquals(List.of("-- AUTH " + mechanism + " alice@example.com"), logins(monitor));
        assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }

    @ParameterizedTest(name = "swaks --tls-on-connect -a {0}")
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5"})
    void swaksOverImplicitTlsLogsInWithEachMechanism(String mechanism) throws Exception {
        assumeSwaksSpeaksTls();
        String out = run(swaks(mechanism, "--tls-on-connect", "--server", "127.0.0.1:" + tlsPort()));
        assertTrue(out.contains("TLS started with cipher") && out.contains("235 2.7.0"), out);
        assertTrue(monitor.mailboxText("alice@example.com").contains("Subject: swaks " + mechanism + "\r\n"));
        assertEquals(List.of("-- AUTH " + mechanism + " alice@example.com"), logins(monitor));
        assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }

    @Test
    void pythonLogsInOnlyAfterStartTlsAndOverSmtpSsl() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "port, tls_port, cafile, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]",
                "context = ssl.create_default_context(cafile=cafile)",
                "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.ehlo()",
                "    print('AUTH in the clear', smtp.has_extn('auth'))",
                "    try:",
                "        smtp.login('alice@example.com', password)",
                "    except smtplib.SMTPNotSupportedError:",
                "        print('login() refuses in the clear')",
                "    smtp.starttls(context=context)",
                "    smtp.ehlo()",
                "    print('AUTH over TLS', smtp.esmtp_features['auth'].strip())",
                "    print(smtp.login('alice@example.com', password)[0])",
                "    smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: starttls\\r\\n\\r\\nhi\\r\\n')",
                "with smtplib.SMTP_SSL('localhost', tls_port, local_hostname='client.test', timeout=30,",
                "                      context=context) as smtp:",
                "    smtp.ehlo()",
                "    print('AUTH over SMTP_SSL', smtp.esmtp_features['auth'].strip())",
                "    print(smtp.login('alice@example.com', password)[0])",
                "    smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: smtp_ssl\\r\\n\\r\\nhi\\r\\n')",
                ""), port(), tlsPort(), monitor.certificateFile().toString(), PASSWORD);
        assertEquals(String.join("\n", "AUTH in the clear False", "login() refuses in the clear",
                "AUTH over TLS PLAIN LOGIN CRAM-MD5", "235", "AUTH over SMTP_SSL PLAIN LOGIN CRAM-MD5", "235", ""), out);
        String mailbox = monitor.mailboxText("alice@example.com");
        assertTrue(mailbox.contains("Subject: starttls\r\n") && mailbox.contains("Subject: smtp_ssl\r\n"), mailbox);
        // login() takes the strongest mechanism offered.
        assertEquals(List.of("-- AUTH CRAM-MD5 alice@example.com", "-- AUTH CRAM-MD5 alice@example.com"), logins(monitor));
        assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }

    @Test
    void aWrongPasswordOverTlsGets535WithEachMechanism() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "port, cafile, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]",
                "context = ssl.create_default_context(cafile=cafile)",
                "for mechanism in ['PLAIN', 'LOGIN', 'CRAM-MD5']:",
                "    with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                "        smtp.starttls(context=context)",
                "        smtp.ehlo()",
                "        smtp.user, smtp.password = 'alice@example.com', password + 'x'",
                "        try:",
                "            smtp.auth(mechanism, getattr(smtp, 'auth_' + mechanism.lower().replace('-', '_')))",
                "            print(mechanism, 'accepted')",
                "        except smtplib.SMTPAuthenticationError as e:",
                "            print(mechanism, e.smtp_code, e.smtp_error.decode())",
                ""), port(), monitor.certificateFile().toString(), PASSWORD);
        String refused = " 535 5.7.8 Authentication credentials invalid";
        assertEquals(String.join("\n", "PLAIN" + refused, "LOGIN" + refused, "CRAM-MD5" + refused, ""), out);
        assertEquals(List.of(), logins(monitor));
        assertEquals(3, monitor.events().all().stream().filter(TlsStarted.class::isInstance).count());
    }

    @Test
    void curlLogsInOverStartTlsRequiredAndOverSmtps() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        Path file = Files.writeString(directory.resolve("curl.txt"), "Subject: from curl\r\n\r\nhi\r\n");
        for (String url : List.of("smtp://localhost:" + port(), "smtps://localhost:" + tlsPort())) {
            run(List.of(CURL.toString(), "--silent", "--show-error", "--max-time", "30", "--ssl-reqd",
                    "--cacert", monitor.certificateFile().toString(), url, "--user", "alice@example.com:" + PASSWORD,
                    "--mail-from", "curl@client.test", "--mail-rcpt", "alice@example.com", "--upload-file",
                    file.toString()));
        }
        assertEquals("Subject: from curl\r\n\r\nhi\r\n".repeat(2), monitor.mailboxText("alice@example.com"));
        List<String> logins = logins(monitor);
        assertEquals(2, logins.size(), logins.toString());
        assertTrue(logins.stream().allMatch(l -> l.matches("-- AUTH (PLAIN|LOGIN|CRAM-MD5) alice@example\\.com")),
                logins.toString());
        assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }

    private Session angusSession(int port, boolean implicitTls) throws Exception {
        // Our certificate and nothing else is trusted, and it must name the host (127.0.0.1).
        return RealMail.tlsSession(port, implicitTls, true, monitor.trustingContext());
    }

    @Test
    void angusMailWithStartTlsRequiredAndAuthDeliversAndSoOverImplicitTls() throws Exception {
        for (Session session : List.of(angusSession(monitor.port(), false), angusSession(monitor.tlsAddress().getPort(), true))) {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("angus@client.test"));
            message.setRecipients(Message.RecipientType.TO, "alice@example.com");
            message.setSubject("Angus " + session.getProperty("mail.smtp.port"));
            message.setText("hi");
            Transport.send(message, "alice@example.com", PASSWORD);
        }
        String mailbox = new String(monitor.mailboxBytes("alice@example.com"), StandardCharsets.ISO_8859_1);
        assertTrue(mailbox.contains("Subject: Angus " + monitor.port() + "\r\n")
                && mailbox.contains("Subject: Angus " + monitor.tlsAddress().getPort() + "\r\n"), mailbox);
        // Angus Mail takes the first of its own list that the server offers: LOGIN.
        assertEquals(List.of("-- AUTH LOGIN alice@example.com", "-- AUTH LOGIN alice@example.com"), logins(monitor));
        assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }

    @Test
    void opensslStartsTlsAndAnAuthPlainTypedAfterItIsAccepted() throws Exception {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        String plain = Base64.getEncoder().encodeToString(("\0alice@example.com\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Path typed = Files.writeString(directory.resolve("typed.txt"), "EHLO client.test\nAUTH PLAIN " + plain + "\nQUIT\n");
        // -ign_eof: a typed line starting with Q is sent, not taken as s_client's own quit.
        String out = ExternalProcess.run(directory, List.of(OPENSSL.toString(), "s_client", "-starttls", "smtp", "-crlf",
                "-ign_eof", "-connect", "127.0.0.1:" + port(), "-servername", "localhost",
                "-CAfile", monitor.certificateFile().toString(), "-verify_return_error"), typed, 60);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        assertTrue(out.contains("\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n") || out.contains("\n250-AUTH PLAIN LOGIN CRAM-MD5\n"), out);
        assertTrue(out.contains("235 2.7.0 Authentication successful"), out);
        assertTrue(out.contains("221 "), out);
        assertEquals(List.of("-- AUTH PLAIN alice@example.com"), logins(monitor));
        assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }
}
