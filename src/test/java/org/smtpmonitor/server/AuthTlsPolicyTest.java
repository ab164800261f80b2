package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * What the default policy promises about AUTH and TLS, seen by real clients: AUTH is not
 * offered, and refused with a 538, until TLS is up; {@code --auth any} takes whatever a
 * client logs in with, over TLS; {@code --require-tls} with {@code --require-auth} makes a
 * client do both, in that order.
 */
class AuthTlsPolicyTest {

    private static final String PASSWORD = AuthOverTlsRealClientsTest.PASSWORD;
    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path directory;

    private TestMonitor monitor;

    private void start(AuthPolicy auth, boolean requireTls) throws Exception {
        Files.writeString(directory.resolve("users.txt"), AuthOverTlsRealClientsTest.USERS);
        Settings settings = TestMonitor.settingsWithTlsPort(directory);
        monitor = TestMonitor.start(directory, settings.withTls(settings.tls().withRequired(requireTls)).withAuth(auth));
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    private static String plainResponse(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "--auth {0}")
    @EnumSource(value = AuthMode.class, names = {"USERS", "ANY"})
    void authIsNeitherOfferedNorTakenInTheClearButIsOnceTlsIsUp(AuthMode mode) throws Exception {
        start(AuthPolicy.of(mode, false, false), false);
        try (RawSmtpClient clear = monitor.client()) {
            String ehlo = clear.command("EHLO client.test");
            assertTrue(ehlo.contains("250-STARTTLS"), ehlo);
            assertFalse(ehlo.contains("AUTH"), ehlo);
            assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
                    clear.command("AUTH PLAIN " + plainResponse("alice@example.com", PASSWORD)));
            assertEquals(538, clear.readCodeOf("AUTH LOGIN"));
            assertEquals("220 Ready to start TLS", clear.command("STARTTLS"));
            try (RawSmtpClient tls = clear.startTls(monitor.trustingContext(), "localhost")) {
                String again = tls.command("EHLO client.test");
                assertTrue(again.contains("250-AUTH PLAIN LOGIN CRAM-MD5"), again);
                assertEquals("235 2.7.0 Authentication successful",
                        tls.command("AUTH PLAIN " + plainResponse("alice@example.com", PASSWORD)));
            }
        }
        assertEquals(List.of("-- AUTH PLAIN alice@example.com"), AuthOverTlsRealClientsTest.logins(monitor));
        AuthOverTlsRealClientsTest.assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }

    @Test
    void swaksAsksForAuthInTheClearAndIsToldItIsNotAdvertised() throws Exception {
        assumeTrue(Files.isExecutable(SWAKS), "swaks is not installed");
        start(AuthPolicy.of(AuthMode.USERS, false, false), false);
        Process swaks = new ProcessBuilder(SWAKS.toString(), "--server", "127.0.0.1:" + monitor.port(), "--from",
                "swaks@client.test", "--to", "alice@example.com", "-a", "PLAIN", "-au", "alice@example.com", "-ap",
                PASSWORD, "--timeout", "30").redirectErrorStream(true).start();
        String out = new String(swaks.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(swaks.waitFor() != 0, out);
        assertTrue(out.contains("Host did not advertise authentication"), out);
        assertEquals("", monitor.mailboxText("alice@example.com"));
    }

    @Test
    void authAnyTakesWhateverRealClientsLogInWithOverTls() throws Exception {
        Python.assumeInstalled();
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        start(AuthPolicy.of(AuthMode.ANY, false, false), false);
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "context = ssl.create_default_context(cafile=sys.argv[3])",
                "with smtplib.SMTP('localhost', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.starttls(context=context)",
                "    print(smtp.login('nobody@nowhere.test', 'anything at all')[0])",
                "    smtp.sendmail('py@client.test', ['bob@example.com'], 'Subject: any\\r\\n\\r\\nhi\\r\\n')",
                "with smtplib.SMTP_SSL('localhost', int(sys.argv[2]), timeout=30, context=context) as smtp:",
                "    smtp.ehlo()",
                "    smtp.user, smtp.password = 'app-user', 'pw'",
                "    print(smtp.auth('PLAIN', smtp.auth_plain)[0])",
                ""), String.valueOf(monitor.port()), String.valueOf(monitor.tlsAddress().getPort()),
                monitor.certificateFile().toString());
        assertEquals("235\n235\n", out);
        Path file = Files.writeString(directory.resolve("curl.txt"), "Subject: curl any\r\n\r\nhi\r\n");
        ExternalProcess.run(directory, List.of(CURL.toString(), "--silent", "--show-error", "--max-time", "30",
                "--cacert", monitor.certificateFile().toString(), "smtps://localhost:" + monitor.tlsAddress().getPort(),
                "--user", "someone:whatever", "--login-options", "AUTH=LOGIN", "--mail-from", "curl@client.test",
                "--mail-rcpt", "bob@example.com", "--upload-file", file.toString()), 60);
        assertEquals(List.of("-- AUTH CRAM-MD5 nobody@nowhere.test", "-- AUTH PLAIN app-user", "-- AUTH LOGIN someone"),
                AuthOverTlsRealClientsTest.logins(monitor));
        String mailbox = monitor.mailboxText("bob@example.com");
        assertTrue(mailbox.contains("Subject: any\r\n") && mailbox.contains("Subject: curl any\r\n"), mailbox);
        AuthOverTlsRealClientsTest.assertLoginsOverTlsWithoutPassword(monitor, "anything at all");
    }

    @Test
    void requireTlsAndRequireAuthTogetherMakeAClientDoBothInThatOrder() throws Exception {
        Python.assumeInstalled();
        start(AuthPolicy.of(AuthMode.USERS, true, false), true);
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "context = ssl.create_default_context(cafile=sys.argv[2])",
                "def send(smtp, step):",
                "    try:",
                "        smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: %s\\r\\n\\r\\nhi\\r\\n' % step)",
                "        print(step, 'sent')",
                "    except smtplib.SMTPSenderRefused as e:",
                "        print(step, e.smtp_code, e.smtp_error.decode())",
                "with smtplib.SMTP('localhost', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.ehlo()",
                "    send(smtp, 'clear')",
                "    smtp.starttls(context=context)",
                "    smtp.ehlo()",
                "    send(smtp, 'tls')",
                "    smtp.login('alice@example.com', sys.argv[3])",
                "    send(smtp, 'tls+auth')",
                ""), String.valueOf(monitor.port()), monitor.certificateFile().toString(), PASSWORD);
        assertEquals(String.join("\n", "clear 530 5.7.0 Must issue a STARTTLS command first",
                "tls 530 5.7.0 Authentication required", "tls+auth sent", ""), out);
        assertEquals("Subject: tls+auth\r\n\r\nhi\r\n", monitor.mailboxText("alice@example.com"));
        AuthOverTlsRealClientsTest.assertLoginsOverTlsWithoutPassword(monitor, PASSWORD);
    }
}
