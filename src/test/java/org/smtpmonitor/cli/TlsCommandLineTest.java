package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS options: documented, checked before anything starts, and bad files told in one line (exit 1). */
class TlsCommandLineTest {

    @TempDir
    Path directory;

    private String users() throws Exception {
        return Files.writeString(directory.resolve("users.txt"), "alice@example.com\n").toString();
    }

    private static void assertBadCommandLine(String expected, CommandRun run) {
        assertEquals(2, run.exit(), run.err());
        assertEquals("smtp-monitor: " + expected + " (see smtp-monitor --help)", run.err().strip());
    }

    @Test
    void helpDocumentsEveryTlsOption() {
        CommandRun run = CommandRun.run("", "--help");
        for (String option : List.of("--tls-port", "--tls-cert", "--tls-key", "--tls-keystore",
                "--tls-keystore-password", "--require-tls")) {
            assertTrue(run.out().contains(option), "--help does not mention " + option);
        }
    }

    @Test
    void inconsistentTlsOptionsAreABadCommandLine() throws Exception {
        String users = users();
        assertBadCommandLine("--tls-port: 70000 is not between 0 and 65535",
                CommandRun.run("", users, "--headless", "--tls-port", "70000"));
        assertBadCommandLine("--tls-port: 2525 is --port already",
                CommandRun.run("", users, "--headless", "--port", "2525", "--tls-port", "2525"));
        assertBadCommandLine("--tls-cert needs --tls-key",
                CommandRun.run("", users, "--headless", "--tls-cert", "cert.pem"));
        assertBadCommandLine("--tls-key needs --tls-cert",
                CommandRun.run("", users, "--headless", "--tls-key", "key.pem"));
        assertBadCommandLine("--tls-keystore or --tls-cert and --tls-key, not both", CommandRun.run("", users,
                "--headless", "--tls-keystore", "s.p12", "--tls-cert", "cert.pem", "--tls-key", "key.pem"));
    }

    @Test
    void aMissingOrBadCertificateFileExitsOneNamingIt() throws Exception {
        String users = users();
        Path key = Files.writeString(directory.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        CommandRun run = CommandRun.run("", users, "--headless", "--port", "0", "--mailbox-dir", directory.toString(),
                "--tls-cert", directory.resolve("missing.pem").toString(), "--tls-key", key.toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals("smtp-monitor: " + directory.resolve("missing.pem") + ": no such file", run.err().strip());

        Path keystore = Files.writeString(directory.resolve("store.p12"), "not a keystore");
        run = CommandRun.run("", users, "--headless", "--port", "0", "--mailbox-dir", directory.toString(),
                "--tls-keystore", keystore.toString(), "--tls-keystore-password", "secret");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().strip().startsWith("smtp-monitor: " + keystore + ": not a PKCS12 keystore"), run.err());
        assertTrue(!run.err().contains("secret"), "the password is never shown");
    }
}
