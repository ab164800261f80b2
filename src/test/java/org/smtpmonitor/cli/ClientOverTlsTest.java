package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpmonitor.testing.TestCertificate;
import org.smtpmonitor.testing.TlsSmtpServer;
import org.smtpmonitor.testing.TlsSmtpServer.Mode;

/** {@code smtp-monitor client} with STARTTLS typed or asked for, implicit TLS and AUTH, against a real TLS server. */
class ClientOverTlsTest {

    private static final String SERVERS = "org.smtpmonitor.testing.TlsSmtpServer#all";
    private static final String PASSWORD = "pa55-w0rd";

    @TempDir
    Path directory;
    private TlsSmtpServer server;
    private TestCertificate certificate;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(TlsSmtpServer.Factory factory, Mode mode) throws Exception {
        certificate = TestCertificate.create(directory, "server", TestCertificate.LOCALHOST);
        server = factory.start(directory, mode, certificate, Map.of("alice@example.com", PASSWORD));
    }

    private CommandRun client(String session, String... options) {
        List<String> args = new ArrayList<>(List.of("client", "--port", String.valueOf(server.port()), "--timeout", "20s",
                "--cafile", certificate.certificate().toString()));
        args.addAll(List.of(options));
        return CommandRun.run(session, args.toArray(String[]::new));
    }

    private String handshakeLinePattern() {
        return "-- TLS 1\\.[23] TLS_\\w+, certificate CN=localhost, SHA-256 "
                + certificate.sha256().toLowerCase(Locale.ROOT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void aTypedStartTlsShowsTheHandshakeAndTheSessionGoesOnOverTls(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS);
        CommandRun run = client("""
                EHLO me
                STARTTLS
                EHLO me
                MAIL FROM:<me@example.org>
                RCPT TO:<bob@example.com>
                DATA
                Subject: typed
                
                ..a dotted line, grüße
                .
                QUIT
                """);
        assertEquals(0, run.exit(), run.err());
        String[] lines = run.outLines().split("\n");
        int ready = List.of(lines).indexOf("220 Ready to start TLS");
        assertTrue(ready > 0, run.out());
        assertTrue(lines[ready + 1].matches(handshakeLinePattern()), lines[ready + 1]);
        assertTrue(run.outLines().matches("(?s).*\n221 [^\n]*\n"), run.out());
        List<TlsSmtpServer.Received> received = server.received();
        assertEquals(1, received.size());
        assertTrue(received.get(0).tlsProtocol().startsWith("TLSv1."));
        assertArrayEquals("Subject: typed\r\n\r\n..a dotted line, grüße\r\n".getBytes(StandardCharsets.UTF_8),
                received.get(0).data());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void startTlsAndAuthOptionsStartTheSessionShownAsTypedWithThePasswordMasked(TlsSmtpServer.Factory factory)
            throws Exception {
        start(factory, Mode.STARTTLS);
        CommandRun run = client("MAIL FROM:<me@example.org>\nRCPT TO:<bob@example.com>\nDATA\nhi\n.\nQUIT\n",
                "--starttls", "--auth", "alice@example.com:" + PASSWORD, "--auth-mechanism", "PLAIN", "--helo", "me.example",
                "--echo");
        assertEquals(0, run.exit(), run.err());
        String out = run.outLines();
        assertTrue(out.startsWith("220 "), out);
        assertTrue(out.contains("\nsmtp> EHLO me.example\n250-"), out);
        assertTrue(out.contains("\nsmtp> STARTTLS\n220 Ready to start TLS\n-- TLS 1."), out);
        assertTrue(out.contains("\nsmtp> AUTH PLAIN ****\n235 2.7.0 Authentication successful\nsmtp> MAIL FROM:<me@example.org>\n"),
                out);
        assertNoCredential(run);
        assertEquals("alice@example.com", server.received().get(0).authenticatedUser());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void typedCredentialsAreMaskedInTheEcho(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.IMPLICIT);
        String user = base64("alice@example.com");
        String password = base64(PASSWORD);
        CommandRun run = client("EHLO me\nAUTH LOGIN\n" + user + "\n" + password + "\nQUIT\n", "--tls", "--echo");
        assertEquals(0, run.exit(), run.err());
        String out = run.outLines();
        assertTrue(out.split("\n")[0].matches(handshakeLinePattern()), "implicit TLS: the handshake comes first: " + out);
        // Each server words its prompts its own way ("User Name", "Username:"): they are base64.
        assertTrue(out.matches("(?s).*\nsmtp> AUTH LOGIN\n334 [A-Za-z0-9+/=]+\nsmtp> \\*\\*\\*\\*\n334 [A-Za-z0-9+/=]+\n"
                + "smtp> \\*\\*\\*\\*\n235 .*"), out);
        assertNoCredential(run);
        assertFalse(out.contains(user), out);

        CommandRun plain = client("EHLO me\nAUTH PLAIN " + base64("\0alice@example.com\0" + PASSWORD) + "\nQUIT\n", "--tls",
                "--echo");
        assertTrue(plain.outLines().contains("\nsmtp> AUTH PLAIN ****\n235 "), plain.out());
        assertNoCredential(plain);
    }

    private static void assertNoCredential(CommandRun run) {
        String all = run.out() + run.err();
        for (String secret : List.of(PASSWORD, base64(PASSWORD), base64("\0alice@example.com\0" + PASSWORD))) {
            assertFalse(all.contains(secret), all);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
