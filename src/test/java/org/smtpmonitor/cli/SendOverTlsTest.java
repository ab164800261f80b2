package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpmonitor.testing.ScriptedSmtpServer;
import org.smtpmonitor.testing.TestCertificate;
import org.smtpmonitor.testing.TlsSmtpServer;
import org.smtpmonitor.testing.TlsSmtpServer.Mode;

/** {@code smtp-monitor send} with STARTTLS, implicit TLS and AUTH, against a real TLS server on 127.0.0.1. */
class SendOverTlsTest {

    private static final String SERVERS = "org.smtpmonitor.testing.TlsSmtpServer#all";
    private static final Map<String, String> USERS = Map.of("alice@example.com", "s3cret:pass");

    @TempDir
    Path directory;
    private TlsSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestCertificate start(TlsSmtpServer.Factory factory, Mode mode, List<String> names) throws Exception {
        TestCertificate certificate = TestCertificate.create(directory, "server", names);
        server = factory.start(directory, mode, certificate, USERS);
        return certificate;
    }

    private CommandRun send(String... options) {
        List<String> args = new ArrayList<>(List.of("send", "--port", String.valueOf(server.port()), "--timeout", "20s",
                "--from", "me@example.org", "--to", "bob@example.com", "--subject", "over TLS",
                "--body", "Hi Bob,\n.a line that starts with a dot\ngrüße\n"));
        args.addAll(List.of(options));
        return CommandRun.run("", args.toArray(String[]::new));
    }

    private static String fingerprintAsWeShowIt(TestCertificate certificate) {
        return certificate.sha256().toLowerCase(Locale.ROOT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void startTlsCarriesTheMessageOverTlsByteForByte(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, TestCertificate.LOCALHOST);
        CommandRun run = send("--starttls", "--cafile", certificate.certificate().toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err());
        assertTrue(run.outLines().startsWith("tls: TLS 1.3 TLS_"), run.out());
        assertTrue(run.outLines().contains(", certificate CN=localhost, SHA-256 " + fingerprintAsWeShowIt(certificate)
                + "\nbob@example.com: accepted: 250 "), run.out());
        List<TlsSmtpServer.Received> received = server.received();
        assertEquals(1, received.size());
        assertTrue(received.get(0).tlsProtocol().startsWith("TLSv1."), received.get(0).tlsProtocol());
        String message = new String(received.get(0).data(), StandardCharsets.UTF_8);
        assertTrue(message.contains("\r\nSubject: over TLS\r\n"), message);
        byte[] body = Arrays.copyOfRange(received.get(0).data(), message.indexOf("\r\n\r\n") + 4,
                received.get(0).data().length);
        assertArrayEquals("Hi Bob,\r\n.a line that starts with a dot\r\ngrüße\r\n".getBytes(StandardCharsets.UTF_8), body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void implicitTlsSpeaksTlsFromTheFirstByte(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.IMPLICIT, TestCertificate.LOCALHOST);
        CommandRun run = send("--tls", "--cafile", certificate.certificate().toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.outLines().startsWith("tls: TLS 1."), run.out());
        assertEquals(1, server.received().size());
        assertTrue(server.received().get(0).tlsProtocol().startsWith("TLSv1."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void eachAuthMechanismIsAcceptedAndCramMd5IsPreferred(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, TestCertificate.LOCALHOST);
        String trust = certificate.certificate().toString();
        for (String mechanism : List.of("PLAIN", "LOGIN", "CRAM-MD5")) {
            CommandRun run = send("--starttls", "--cafile", trust, "--auth", "alice@example.com:s3cret:pass",
                    "--auth-mechanism", mechanism.toLowerCase(Locale.ROOT));
            assertEquals(0, run.exit(), mechanism + ": " + run.err());
            assertTrue(run.outLines().contains("\nauth: alice@example.com with " + mechanism + ": 235 "), run.out());
        }
        CommandRun chosen = send("--starttls", "--cafile", trust, "--auth", "alice@example.com:s3cret:pass");
        assertEquals(0, chosen.exit(), chosen.err());
        assertTrue(chosen.outLines().contains("\nauth: alice@example.com with CRAM-MD5: 235 "), chosen.out());
        List<TlsSmtpServer.Received> received = server.received();
        assertEquals(4, received.size());
        assertTrue(received.stream().allMatch(message -> "alice@example.com".equals(message.authenticatedUser())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void aWrongPasswordIsA535NamingTheUserButNeverThePassword(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, TestCertificate.LOCALHOST);
        for (String mechanism : List.of("PLAIN", "LOGIN", "CRAM-MD5")) {
            CommandRun run = send("--starttls", "--cafile", certificate.certificate().toString(),
                    "--auth", "alice@example.com:Wr0ngPassw0rd", "--auth-mechanism", mechanism);
            assertEquals(1, run.exit(), mechanism);
            assertTrue(run.err().contains("smtp-monitor send: authentication as alice@example.com (" + mechanism
                    + ") failed: 535 "), run.err());
            assertFalse((run.out() + run.err()).contains("Wr0ngPassw0rd"), run.out() + run.err());
        }
        assertEquals(List.of(), server.received());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void aPinThatDoesNotMatchIsRefusedBeforeAnyMailShowingBoth(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, TestCertificate.LOCALHOST);
        String actual = fingerprintAsWeShowIt(certificate);
        String wrong = (actual.charAt(0) == '0' ? "1" : "0") + actual.substring(1);
        CommandRun run = send("--starttls", "--pin", wrong);
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("TLS with 127.0.0.1:" + server.port() + " failed: the server's certificate is not"
                + " the pinned one: its SHA-256 fingerprint is " + actual + ", the pin is " + wrong), run.err());
        assertEquals("", run.out());
        assertEquals(List.of(), server.received());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void theRightPinIsTrustedWhateverHostTheCertificateNames(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, List.of("DNS:other.example"));
        CommandRun asOpensslPrintsIt = send("--starttls", "--pin", certificate.sha256());
        assertEquals(0, asOpensslPrintsIt.exit(), asOpensslPrintsIt.err());
        CommandRun bareLowercase = send("--starttls", "--pin", fingerprintAsWeShowIt(certificate).replace(":", ""));
        assertEquals(0, bareLowercase.exit(), bareLowercase.err());
        assertEquals(2, server.received().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void anUntrustedCertificateIsRefusedSayingHowToTrustIt(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, TestCertificate.LOCALHOST);
        CommandRun run = send("--starttls");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("failed: the server's certificate is not trusted: no authority this client trusts"
                + " has signed it (CN=localhost, SHA-256 " + fingerprintAsWeShowIt(certificate) + "); to trust it:"
                + " --cafile FILE with it or its issuer, --pin with its fingerprint once you have checked it, or --insecure"),
                run.err());
        assertEquals(List.of(), server.received());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void aCertificateForAnotherHostIsRefusedThoughItsIssuerIsTrusted(TlsSmtpServer.Factory factory) throws Exception {
        TestCertificate certificate = start(factory, Mode.STARTTLS, List.of("DNS:other.example"));
        CommandRun run = send("--starttls", "--cafile", certificate.certificate().toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("failed: the server's certificate is not valid for 127.0.0.1: "), run.err());
        assertEquals(List.of(), server.received());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void insecureTrustsAnyCertificateAndSaysSoOnStderr(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS, List.of("DNS:other.example"));
        CommandRun run = send("--starttls", "--insecure");
        assertEquals(0, run.exit(), run.err());
        assertEquals("smtp-monitor send: warning: --insecure: the server's certificate is not checked; anyone on the way"
                + " could pose as the server\n", run.err().replace(System.lineSeparator(), "\n"));
        assertEquals(1, server.received().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void aServerWithoutStartTlsIsAClearErrorAndNothingIsSent(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.PLAIN, TestCertificate.LOCALHOST);
        CommandRun run = send("--starttls", "--insecure");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("smtp-monitor send: the server does not offer STARTTLS (its EHLO lists: "), run.err());
        assertEquals(List.of(), server.received());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SERVERS)
    void implicitTlsToAPlainPortSaysTheServerDoesNotSpeakTlsThere(TlsSmtpServer.Factory factory) throws Exception {
        start(factory, Mode.STARTTLS, TestCertificate.LOCALHOST);
        CommandRun run = send("--tls", "--insecure");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("the server does not speak TLS on this port"), run.err());
        assertEquals(List.of(), server.received());
    }

    @Test
    void whatAServerSendsInTheClearAfterItsReadyForTlsIsRefused() throws Exception {
        // The client-side twin of CVE-2011-0411: a reply injected before the handshake must
        // not be read as one that came over TLS.
        try (ScriptedSmtpServer injecting = ScriptedSmtpServer.start("220 hi",
                Map.of("EHLO", "250-hi\n250 STARTTLS", "STARTTLS", "220 go ahead\n250 injected"))) {
            CommandRun run = CommandRun.run("", "send", "--port", String.valueOf(injecting.port()), "--starttls",
                    "--insecure", "--from", "me@example.org", "--to", "bob@example.com");
            assertEquals(1, run.exit());
            assertTrue(run.err().contains("the server sent more than its reply before TLS began"), run.err());
        }
    }

    @Test
    void optionsThatContradictEachOtherAreABadCommandLine() {
        String[] base = {"send", "--from", "me@example.org", "--to", "bob@example.com"};
        for (List<String> options : List.of(List.of("--starttls", "--tls"), List.of("--tls", "--insecure", "--pin", "ab"),
                List.of("--cafile", "x.pem"), List.of("--auth-mechanism", "PLAIN"), List.of("--auth", "nocolon"),
                List.of("--auth", "a:b", "--auth-mechanism", "NTLM"), List.of("--tls", "--pin", "ab:cd"),
                List.of("--tls", "--cafile", directory.resolve("missing.pem").toString()))) {
            List<String> args = new ArrayList<>(List.of(base));
            args.addAll(options);
            CommandRun run = CommandRun.run("", args.toArray(String[]::new));
            assertEquals(2, run.exit(), options + ": " + run.err());
        }
    }
}
