package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.TlsFailed;
import org.smtpmonitor.event.TlsStarted;
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
 * Real clients speak TLS to the server, STARTTLS and implicit: curl, swaks, Python's
 * smtplib, Angus Mail and openssl, most of them checking our certificate, and the mail
 * they send lands byte for byte.
 */
class TlsRealClientsTest {

    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    /** 8-bit text, a leading dot and a From line: what is stored must be exactly this. */
    private static final String MESSAGE = "From: me@client.test\r\nSubject: over TLS\r\n\r\n.leading dot\r\n"
            + "From the client\r\ncaf\u00e9 \u00fcber\r\nend\r\n";

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory, TestMonitor.settingsWithTlsPort(directory));
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private Path messageFile() throws Exception {
        return Files.writeString(directory.resolve("message.txt"), MESSAGE, StandardCharsets.ISO_8859_1);
    }

    private String run(String... command) throws Exception {
        return ExternalProcess.run(directory, List.of(command), 60);
    }

    private void assertDeliveredOverTls(String mailbox) throws Exception {
        assertDeliveredOverTls(mailbox, MESSAGE);
    }

    private void assertDeliveredOverTls(String mailbox, String stored) throws Exception {
        assertEquals(stored, monitor.mailboxText(mailbox));
        monitor.events().await(TlsStarted.class, e -> true);
    }

    @Test
    void curlStartsTlsWhenRequiredAndDelivers() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        run(CURL.toString(), "--silent", "--show-error", "--max-time", "30", "--ssl-reqd", "-k",
                "smtp://127.0.0.1:" + monitor.port(), "--mail-from", "me@client.test",
                "--mail-rcpt", "alice@example.com", "--upload-file", messageFile().toString());
        assertDeliveredOverTls("alice@example.com");
    }

    @Test
    void curlOverImplicitTlsVerifiesOurCertificateForLocalhost() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        run(CURL.toString(), "--silent", "--show-error", "--max-time", "30",
                "--cacert", monitor.certificateFile().toString(),
                "smtps://localhost:" + monitor.tlsAddress().getPort(), "--mail-from", "me@client.test",
                "--mail-rcpt", "bob@example.com", "--upload-file", messageFile().toString());
        assertDeliveredOverTls("bob@example.com");
        assertEquals("localhost", monitor.events().await(TlsStarted.class, e -> true).tls().serverName());
    }

    @Test
    void curlStartsTlsWithoutDashK() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        run(CURL.toString(), "--silent", "--show-error", "--max-time", "30", "--ssl-reqd",
                "--cacert", monitor.certificateFile().toString(),
                "smtp://localhost:" + monitor.port(), "--mail-from", "me@client.test",
                "--mail-rcpt", "alice@example.com", "--upload-file", messageFile().toString());
        assertDeliveredOverTls("alice@example.com");
    }

    /** swaks speaks TLS through Perl's Net::SSLeay, which its package only recommends. */
    private void assumeSwaksSpeaksTls() throws Exception {
        assumeTrue(Files.isExecutable(SWAKS), "swaks is not installed");
        Process perl = new ProcessBuilder("perl", "-MNet::SSLeay", "-e", "1").redirectErrorStream(true).start();
        perl.getInputStream().readAllBytes();
        assumeTrue(perl.waitFor() == 0, "swaks cannot speak TLS here: Perl's Net::SSLeay is missing");
    }

    @Test
    void swaksStartsTls() throws Exception {
        assumeSwaksSpeaksTls();
        String out = run(SWAKS.toString(), "-tls", "--server", "127.0.0.1:" + monitor.port(), "--from", "me@client.test",
                "--to", "alice@example.com", "--data", "@" + messageFile(), "--suppress-data", "--timeout", "30");
        assertTrue(out.contains("STARTTLS") && out.contains("TLS started with cipher TLSv1.3"), out);
        // swaks ends what it sends with a CRLF of its own, after the file's.
        assertDeliveredOverTls("alice@example.com", MESSAGE + "\r\n");
    }

    @Test
    void swaksOverImplicitTls() throws Exception {
        assumeSwaksSpeaksTls();
        String out = run(SWAKS.toString(), "--tls-on-connect", "--server", "127.0.0.1:" + monitor.tlsAddress().getPort(),
                "--from", "me@client.test", "--to", "bob@example.com", "--data", "@" + messageFile(), "--suppress-data",
                "--timeout", "30");
        assertTrue(out.contains("TLS started with cipher"), out);
        assertDeliveredOverTls("bob@example.com", MESSAGE + "\r\n");
    }

    @Test
    void pythonSmtplibStartTlsAndSmtpSslCheckTheCertificateAndDeliverByteForByte() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "message = open(sys.argv[4], 'rb').read()",
                "context = ssl.create_default_context(cafile=sys.argv[3])",
                "with smtplib.SMTP('localhost', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.ehlo()",
                "    print('STARTTLS offered', smtp.has_extn('starttls'))",
                "    print(smtp.starttls(context=context)[0])",
                "    smtp.ehlo()",
                "    print('STARTTLS after', smtp.has_extn('starttls'))",
                "    print(smtp.sock.version())",
                "    smtp.sendmail('py@client.test', ['alice@example.com'], message)",
                "with smtplib.SMTP_SSL('localhost', int(sys.argv[2]), local_hostname='client.test', timeout=30,",
                "                      context=context) as smtp:",
                "    smtp.sendmail('py@client.test', ['bob@example.com'], message)",
                "    print('SMTP_SSL', smtp.sock.version())",
                ""), String.valueOf(monitor.port()), String.valueOf(monitor.tlsAddress().getPort()),
                monitor.certificateFile().toString(), messageFile().toString());
        assertEquals(String.join("\n", "STARTTLS offered True", "220", "STARTTLS after False", "TLSv1.3",
                "SMTP_SSL TLSv1.3", ""), out);
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.ISO_8859_1), monitor.mailboxBytes("alice@example.com"));
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.ISO_8859_1), monitor.mailboxBytes("bob@example.com"));
    }

    @Test
    void aClientOfferingNothingNewerThanTls11IsRefused() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "def attempt(newest):",
                "    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)",
                "    context.check_hostname = False",
                "    context.verify_mode = ssl.CERT_NONE",
                "    # Let this OpenSSL offer the old versions at all.",
                "    context.set_ciphers('DEFAULT:@SECLEVEL=0')",
                "    context.minimum_version = ssl.TLSVersion.TLSv1",
                "    context.maximum_version = newest",
                "    try:",
                "        with smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[1]), timeout=30, context=context) as smtp:",
                "            return smtp.sock.version()",
                "    except ssl.SSLError as e:",
                "        return 'refused ' + e.reason",
                "print(attempt(ssl.TLSVersion.TLSv1_1))",
                "print(attempt(ssl.TLSVersion.TLSv1_2))",
                ""), String.valueOf(monitor.tlsAddress().getPort()));
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("refused ") && lines.get(0).contains("PROTOCOL_VERSION"), out);
        assertEquals("TLSv1.2", lines.get(1), "the same client is served with TLS 1.2");
        TlsFailed failed = monitor.events().await(TlsFailed.class, e -> true);
        assertTrue(failed.reason().contains("TLSv1.1"), failed.reason());
    }

    private Session mailSession(int port, boolean implicitTls) throws Exception {
        // Our certificate and nothing else is trusted, and it must name the host (127.0.0.1).
        return RealMail.tlsSession(port, implicitTls, false, monitor.trustingContext());
    }

    private void angusDelivers(Session session, String recipient) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("angus@client.test"));
        message.setRecipients(Message.RecipientType.TO, recipient);
        message.setSubject("Angus over TLS");
        message.setText("caf\u00e9\r\n.dot\r\n", "UTF-8");
        message.saveChanges();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        message.writeTo(sent);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }
        assertArrayEquals(sent.toByteArray(), monitor.mailboxBytes(recipient));
    }

    @Test
    void angusMailWithStartTlsRequiredDeliversByteForByte() throws Exception {
        angusDelivers(mailSession(monitor.port(), false), "alice@example.com");
        monitor.events().await(TlsStarted.class, e -> true);
    }

    @Test
    void angusMailOverImplicitTlsDeliversByteForByte() throws Exception {
        angusDelivers(mailSession(monitor.tlsAddress().getPort(), true), "bob@example.com");
        monitor.events().await(TlsStarted.class, e -> true);
    }

    @Test
    void opensslSeesTheCertificateWhoseFingerprintTheMonitorShows() throws Exception {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        List<String> fingerprints = new ArrayList<>();
        for (List<String> how : List.of(List.of("-starttls", "smtp", "-connect", "127.0.0.1:" + monitor.port()),
                List.of("-connect", "127.0.0.1:" + monitor.tlsAddress().getPort()))) {
            List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-servername", "localhost",
                    "-CAfile", monitor.certificateFile().toString(), "-verify_return_error"));
            command.addAll(how);
            String out = ExternalProcess.run(directory, command, 60);
            assertTrue(out.contains("Verify return code: 0 (ok)"), out);
            Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", Pattern.DOTALL)
                    .matcher(out);
            assertTrue(pem.find(), out);
            Path presented = Files.writeString(directory.resolve("presented.pem"), pem.group());
            String fingerprint = run(OPENSSL.toString(), "x509", "-in", presented.toString(), "-noout", "-fingerprint",
                    "-sha256");
            fingerprints.add(fingerprint.strip().replaceFirst("(?i)^sha256 Fingerprint=", ""));
        }
        assertEquals(List.of(monitor.monitor().tlsFingerprint(), monitor.monitor().tlsFingerprint()), fingerprints);
    }
}
