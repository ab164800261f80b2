package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The headless console log of sessions that log in, as a real process: each login is shown
 * by mechanism and user, and the password, in clear or in base64, is never printed.
 */
class AuthConsoleLogTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path directory;

    @Test
    void theConsoleShowsLoginsMaskedAndNeverThePassword() throws Exception {
        Python.assumeInstalled();
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com " + PASSWORD + "\n");
        List<String> log;
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", directory.toString(),
                "--auth", "users", "--require-auth", "--allow-insecure-auth")) {
            Python.run(directory, String.join("\n",
                    "import smtplib, sys",
                    "for mechanism in ['CRAM-MD5', 'PLAIN', 'LOGIN']:",
                    "    with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                    "        smtp.ehlo()",
                    "        smtp.user, smtp.password = 'alice@example.com', sys.argv[2]",
                    "        smtp.auth(mechanism, getattr(smtp, 'auth_' + mechanism.lower().replace('-', '_')))",
                    "        smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: hi\\r\\n\\r\\nhi\\r\\n')",
                    ""), String.valueOf(server.address().getPort()), PASSWORD);
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
                client.command("EHLO client.test");
                // A client that puts its credentials where the mechanism belongs.
                String blob = Base64.getEncoder().encodeToString(("\0alice@example.com\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
                assertEquals(504, client.readCodeOf("AUTH " + blob));
                assertEquals(530, client.readCodeOf("MAIL FROM:<a@client.test>"));
                client.command("QUIT");
            }
            server.awaitLine(Pattern.compile(".*\\[4] Closed \\(quit\\)"));
            log = server.output();
        }
        String text = String.join("\n", log);
        for (String expected : List.of("[1] C: AUTH CRAM-MD5", "[1] C: ****", "[1] S: 235 2.7.0 Authentication successful",
                "[1] -- AUTH CRAM-MD5 alice@example.com", "[2] C: AUTH PLAIN ****", "[2] -- AUTH PLAIN alice@example.com",
                "[3] C: AUTH LOGIN ****", "[3] -- AUTH LOGIN alice@example.com", "[4] C: AUTH ****",
                "[4] S: 530 5.7.0 Authentication required")) {
            assertTrue(text.contains(expected), "the log lacks '" + expected + "':\n" + text);
        }
        assertFalse(text.contains(PASSWORD), text);
        for (String word : text.split("[\\s<>:]+")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(word), StandardCharsets.UTF_8);
                assertFalse(decoded.contains(PASSWORD), "the password in base64: " + word);
            } catch (IllegalArgumentException notBase64) {
                // Nothing hidden in it.
            }
        }
    }
}
