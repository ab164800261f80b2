package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.testing.EventRecorder;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;
import org.smtpmonitor.tls.TlsFileException;

/**
 * The server's certificate: the self-signed one kept in the mailbox directory (made once,
 * readable by its owner only, kept across restarts, made anew when it no longer serves),
 * or the files the user gives, which the server then presents.
 */
class TlsCertificateTest {

    @TempDir
    Path directory;

    private TlsCertificate selfSigned(String domain, Instant now) throws Exception {
        return TlsCertificate.load(TlsSettings.defaults(), directory, domain, now);
    }

    /**
     * The start reads a kept certificate, and the usual PEM files (PKCS#8 keys), with the
     * JDK alone: loading BouncyCastle, whose signed jars the JDK verifies, cost the start
     * about 0.7 s. Shown by reading them in a class loader that has no BouncyCastle, which
     * then fails on a traditional key, the form only BouncyCastle reads.
     */
    @Test
    void aKeptCertificateAndPkcs8FilesAreReadWithoutBouncyCastle() throws Exception {
        Instant now = Instant.now();
        String fingerprint = selfSigned("localhost", now).credentials().fingerprint();
        Path folder = directory.resolve(".smtp-monitor").resolve("tls");
        URL ours = TlsCertificate.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutBouncyCastle = new URLClassLoader(new URL[] {ours},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> certificates = withoutBouncyCastle.loadClass(TlsCertificate.class.getName());
            Class<?> settings = withoutBouncyCastle.loadClass(TlsSettings.class.getName());
            Object kept = certificates.getMethod("load", settings, Path.class, String.class, Instant.class)
                    .invoke(null, settings.getMethod("defaults").invoke(null), directory, "localhost", now);
            Object credentials = certificates.getMethod("credentials").invoke(kept);
            assertEquals(fingerprint, credentials.getClass().getMethod("fingerprint").invoke(credentials));
            assertEquals("self-signed for localhost, kept in .smtp-monitor/tls",
                    certificates.getMethod("origin").invoke(kept), "read again, not made anew");
            credentials.getClass().getMethod("sslContext").invoke(credentials);

            assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
            Class<?> pemFiles = withoutBouncyCastle.loadClass("org.smtpmonitor.tls.PemFiles");
            Method load = pemFiles.getMethod("load", Path.class, Path.class);
            ExternalProcess.run(directory, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "rsa-key.pem", "-out", "rsa-cert.pem", "-days", "2", "-subj", "/CN=rsa.example"), 60);
            Object rsa = load.invoke(null, directory.resolve("rsa-cert.pem"), directory.resolve("rsa-key.pem"));
            Object rsaKey = rsa.getClass().getMethod("key").invoke(rsa);
            assertEquals("RSA", ((java.security.Key) rsaKey).getAlgorithm());
            ExternalProcess.run(directory, List.of("openssl", "ec", "-in", folder.resolve("private-key.pem").toString(),
                    "-out", "traditional.pem"), 60);
            assertTrue(Files.readString(directory.resolve("traditional.pem")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
            InvocationTargetException refused = assertThrows(InvocationTargetException.class, () -> load.invoke(null,
                    folder.resolve("certificate.pem"), directory.resolve("traditional.pem")));
            assertInstanceOf(NoClassDefFoundError.class, refused.getCause(), "the class loader has no BouncyCastle");
        }
    }

    @Test
    void theSelfSignedCertificateIsMadeOnceKeptPrivateAndReused() throws Exception {
        Instant now = Instant.now();
        TlsCertificate first = selfSigned("localhost", now);
        assertEquals("self-signed for localhost, kept in .smtp-monitor/tls (made now)", first.origin());
        Path folder = directory.resolve(".smtp-monitor").resolve("tls");
        Path key = folder.resolve("private-key.pem");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(key), "the key is readable by its owner only");
        assertEquals(List.of("certificate.pem", "private-key.pem"),
                Files.list(folder).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");

        TlsCertificate again = selfSigned("localhost", now.plusSeconds(86_400));
        assertEquals("self-signed for localhost, kept in .smtp-monitor/tls", again.origin());
        assertEquals(first.credentials().fingerprint(), again.credentials().fingerprint());
    }

    @Test
    void aKeptCertificateForAnotherDomainOrExpiredIsMadeAnew() throws Exception {
        Instant now = Instant.now();
        String first = selfSigned("localhost", now).credentials().fingerprint();
        TlsCertificate renamed = selfSigned("mail.example.test", now);
        assertNotEquals(first, renamed.credentials().fingerprint());
        assertTrue(renamed.origin().endsWith("(made now)"));
        TlsCertificate later = selfSigned("mail.example.test", now.plus(Duration.ofDays(900)));
        assertNotEquals(renamed.credentials().fingerprint(), later.credentials().fingerprint());
    }

    @Test
    void theKeyIsNeverWrittenThroughALink() throws Exception {
        Path elsewhere = Files.createDirectories(directory.resolve("elsewhere"));
        Path mailboxes = Files.createDirectories(directory.resolve("mailboxes"));
        Files.createDirectories(mailboxes.resolve(".smtp-monitor"));
        Files.createSymbolicLink(mailboxes.resolve(".smtp-monitor").resolve("tls"), elsewhere);
        IOException refused = assertThrows(IOException.class,
                () -> TlsCertificate.load(TlsSettings.defaults(), mailboxes, "localhost", Instant.now()));
        assertTrue(refused.getMessage().contains("is a symbolic link"), refused.getMessage());
        assertEquals(List.of(), Files.list(elsewhere).toList());
    }

    @Test
    void theMonitorLogsAndShowsTheFingerprintOfTheCertificateItPresents() throws Exception {
        EventRecorder events = new EventRecorder();
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settingsWithTlsPort(directory), events)) {
            TlsReady ready = events.await(TlsReady.class, e -> true);
            assertEquals(monitor.monitor().tlsFingerprint(), ready.fingerprint());
            assertTrue(ready.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), ready.fingerprint());
            assertEquals(monitor.tlsAddress().getPort(), ready.implicitTlsAddress().getPort());
            assertEquals("TLS certificate SHA-256 " + ready.fingerprint()
                    + ", self-signed for localhost, kept in .smtp-monitor/tls (made now); implicit TLS on 127.0.0.1:"
                    + monitor.tlsAddress().getPort(), EventText.of(ready));
            try (RawSmtpClient tls = RawSmtpClient.connectTls(monitor.tlsAddress(), monitor.trustingContext(), "localhost")) {
                assertEquals(monitor.monitor().tlsFingerprint(), fingerprint(tls));
            }
        }
    }

    @Test
    void givenPemFilesAreWhatTheServerPresents() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        ExternalProcess.run(directory, List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost"), 60);
        Settings settings = TestMonitor.settingsWithTlsPort(directory);
        settings = settings.withTls(settings.tls().withPemFiles(directory.resolve("cert.pem"), directory.resolve("key.pem")));
        try (TestMonitor monitor = TestMonitor.start(directory, settings)) {
            assertEquals("from " + directory.resolve("cert.pem"), monitor.monitor().tlsCertificate());
            try (RawSmtpClient tls = RawSmtpClient.connectTls(monitor.tlsAddress(),
                    TestMonitor.trusting(directory.resolve("cert.pem"), "TLS"), "localhost")) {
                assertEquals("220 example.com ESMTP smtp-monitor ready", tls.readReply());
                assertEquals(monitor.monitor().tlsFingerprint(), fingerprint(tls));
            }
        }
        assertFalse(Files.exists(directory.resolve(TlsCertificate.FOLDER)), "no certificate made when one is given");
    }

    @Test
    void aBadKeyFileStopsTheStartNamingTheFileAndLeavesNothingRunning() throws Exception {
        Path key = Files.writeString(directory.resolve("key.pem"), "not a key\n");
        Path cert = Files.writeString(directory.resolve("cert.pem"), "not a certificate either\n");
        Settings settings = TestMonitor.settings(directory);
        Settings bad = settings.withTls(settings.tls().withPemFiles(cert, key));
        Files.writeString(directory.resolve("users.txt"), TestMonitor.USERS);
        StartupException e = assertThrows(StartupException.class,
                () -> Monitor.start(directory.resolve("users.txt"), bad, new EventBus()));
        assertEquals(StartupException.Kind.TLS, e.kind());
        assertEquals(cert + ": no certificate in it (a PEM block -----BEGIN CERTIFICATE-----)", e.getMessage());
        assertTrue(e.getCause() instanceof TlsFileException);
        try (TestMonitor monitor = TestMonitor.start(directory, settings)) {
            assertTrue(monitor.monitor().isRunning(), "the directory was let go");
        }
    }

    @Test
    void aTlsPortInUseIsAStartupErrorNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Settings settings = TestMonitor.settings(directory);
            Settings clash = settings.withTls(settings.tls().withImplicitPort(taken.getLocalPort()));
            Files.writeString(directory.resolve("users.txt"), TestMonitor.USERS);
            StartupException e = assertThrows(StartupException.class,
                    () -> Monitor.start(directory.resolve("users.txt"), clash, new EventBus()));
            assertEquals(StartupException.Kind.PORT, e.kind());
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (--tls-port): the port is already in use",
                    e.getMessage());
        }
    }

    private static String fingerprint(RawSmtpClient tls) throws Exception {
        byte[] der = ((SSLSocket) tls.socket()).getSession().getPeerCertificates()[0].getEncoded();
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }
}
