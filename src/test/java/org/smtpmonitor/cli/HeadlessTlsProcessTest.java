package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.HeadlessServerProcess;

/**
 * The headless server with TLS, as a real process: it logs its certificate's fingerprint,
 * which is the one openssl is shown, keeps the certificate across restarts, and logs each
 * handshake (and what a hostile client named, escaped).
 */
class HeadlessTlsProcessTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Pattern TLS_READY = Pattern.compile(
            ".* TLS certificate SHA-256 ([0-9A-F:]{95}), self-signed for localhost, kept in \\.smtp-monitor/tls"
                    + "( \\(made now\\))?; implicit TLS on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path directory;

    private String openssl(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(arguments);
        return ExternalProcess.run(directory, command, 60);
    }

    /** The SHA-256 fingerprint of the certificate openssl was shown, as openssl prints it. */
    private String presentedFingerprint(String sClientOutput) throws Exception {
        Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", Pattern.DOTALL)
                .matcher(sClientOutput);
        assertTrue(pem.find(), sClientOutput);
        Path file = Files.writeString(directory.resolve("presented.pem"), pem.group());
        return openssl(List.of("x509", "-in", file.toString(), "-noout", "-fingerprint", "-sha256")).strip()
                .replaceFirst("(?i)^sha256 Fingerprint=", "");
    }

    @Test
    void theLoggedFingerprintIsTheCertificateOpensslSeesAndItIsKeptAcrossRestarts() throws Exception {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        String fingerprint;
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", directory.toString(),
                "--tls-port", "0")) {
            Matcher ready = server.awaitLine(TLS_READY);
            fingerprint = ready.group(1);
            assertEquals(" (made now)", ready.group(2));
            String out = openssl(List.of("s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + server.address().getPort(),
                    "-servername", "mail.example.test"));
            assertEquals(fingerprint, presentedFingerprint(out));
            server.awaitLine(Pattern.compile(".* \\[1\\] S: 220 Ready to start TLS"));
            server.awaitLine(Pattern.compile(".* \\[1\\] -- TLS 1\\.3 TLS_[A-Z0-9_]+ SNI mail\\.example\\.test"));

            // Implicit TLS, and a client naming a server with a terminal escape and a CRLF in it.
            out = openssl(List.of("s_client", "-connect", "127.0.0.1:" + ready.group(3)));
            assertEquals(fingerprint, presentedFingerprint(out));
            try {
                openssl(List.of("s_client", "-connect", "127.0.0.1:" + ready.group(3), "-servername",
                        "ev\u001b[2Jil\r\n12:00:00.000 [9] forged.test"));
            } catch (AssertionError refused) {
                // openssl exits 1: the server refused the name, as it should.
            }
            server.awaitLine(Pattern.compile(".*" + Pattern.quote("] -- TLS failed: Illegal server name, type=host_name(0), "
                    + "name=ev\\x1b[2Jil\\x0d\\x0a12:00:00.000 [9] forged.test") + ".*"));
            assertTrue(server.terminate());
            server.awaitExit(20, "SIGTERM");
            String log = String.join("\n", server.output());
            assertFalse(log.contains("\u001b"), "no raw escape reached the console");
            assertFalse(log.contains("\n12:00:00.000 [9]"), "no line was forged");
        }
        try (HeadlessServerProcess again = HeadlessServerProcess.start(users, "--mailbox-dir", directory.toString(),
                "--tls-port", "0")) {
            Matcher ready = again.awaitLine(TLS_READY);
            assertEquals(fingerprint, ready.group(1), "the same certificate after a restart");
            assertEquals(null, ready.group(2), "not made again");
        }
    }
}
