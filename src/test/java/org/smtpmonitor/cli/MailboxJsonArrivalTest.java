package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.TestMonitor;

/**
 * {@code mailbox show --json} says how each message came, as the window does: the TLS
 * protocol and cipher, the AUTH mechanism and user, or null for none; here for mail that
 * Python's smtplib sent over STARTTLS with a login, and in the clear.
 */
class MailboxJsonArrivalTest {

    private static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;

    @Test
    void showSaysWhichMessagesCameOverTlsAndWhoLoggedIn() throws Exception {
        Python.assumeInstalled();
        Settings settings = TestMonitor.settings(directory).withAuth(AuthPolicy.of(AuthMode.ANY, false, false));
        try (TestMonitor monitor = TestMonitor.start(directory, settings)) {
            String[] spoken = Python.run(directory, String.join("\n",
                    "import smtplib, ssl, sys",
                    "port, cafile = int(sys.argv[1]), sys.argv[2]",
                    "context = ssl.create_default_context(cafile=cafile)",
                    "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                    "    smtp.starttls(context=context)",
                    "    smtp.ehlo()",
                    "    smtp.user, smtp.password = 'alice@example.com', 'not-printed'",
                    "    smtp.auth('PLAIN', smtp.auth_plain)",
                    "    print(smtp.sock.version(), smtp.sock.cipher()[0])",
                    "    smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: secure\\r\\n\\r\\nhi\\r\\n')",
                    "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                    "    smtp.sendmail('py@client.test', ['alice@example.com'], 'Subject: clear\\r\\n\\r\\nhi\\r\\n')",
                    ""), String.valueOf(monitor.port()), monitor.certificateFile().toString()).strip().split(" ");
            Await.until("both messages are indexed", Duration.ofSeconds(15),
                    () -> monitor.monitor().mail().messages(ALICE, 0, 10).size() == 2);

            CommandRun shown = CommandRun.run("", "mailbox", "show", ALICE, "--json", "--mailbox-dir",
                    directory.toString());
            assertEquals(0, shown.exit(), shown.err());
            // What the client itself says it negotiated, and the mechanism it chose.
            assertEquals("{\"tls\":{\"protocol\":\"" + spoken[0] + "\",\"cipher\":\"" + spoken[1]
                    + "\"},\"auth\":{\"mechanism\":\"PLAIN\",\"user\":\"alice@example.com\"}}",
                    arrival(shown.out(), "secure"));
            assertEquals("{\"tls\":null,\"auth\":null}", arrival(shown.out(), "clear"));
            assertFalse(shown.out().contains("not-printed"));
        }
    }

    /** The arrival object of the message with this subject, as printed. */
    private static String arrival(String json, String subject) {
        Matcher m = Pattern.compile("\"subject\":\"" + subject + "\",\"size\":\\d+,\"arrival\":(null|\\{\"tls\":"
                + "(?:null|\\{[^}]*\\}),\"auth\":(?:null|\\{[^}]*\\})\\})[,}]").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }
}
