package org.smtpmonitor.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.ExternalProcess;

/**
 * Certificates and keys as OpenSSL writes them (PEM in its several forms, PKCS12), read
 * for the server; and what a file that cannot serve is told.
 */
class CertificateFilesTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path directory;

    @BeforeEach
    void needOpenssl() {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
    }

    private String openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(List.of(arguments));
        return ExternalProcess.run(directory, command, 60);
    }

    /** An RSA key (PKCS#8, as OpenSSL 3 writes it) and its self-signed certificate for {@code name}. */
    private void rsaPair(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + "-cert.pem",
                "-days", "2", "-subj", "/CN=" + name + ".example");
    }

    private String opensslFingerprint(String certificate) throws Exception {
        return openssl("x509", "-in", certificate, "-noout", "-fingerprint", "-sha256").strip()
                .replaceFirst("(?i)^sha256 Fingerprint=", "");
    }

    @Test
    void aPkcs8RsaKeyAndItsCertificate() throws Exception {
        rsaPair("rsa");
        assertTrue(Files.readString(directory.resolve("rsa-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        ServerCredentials credentials = PemFiles.load(directory.resolve("rsa-cert.pem"), directory.resolve("rsa-key.pem"));
        assertEquals("RSA", credentials.key().getAlgorithm());
        assertEquals("CN=rsa.example", credentials.certificate().getSubjectX500Principal().getName());
        assertEquals(opensslFingerprint("rsa-cert.pem"), credentials.fingerprint());
        credentials.sslContext();
    }

    @Test
    void aTraditionalRsaKey() throws Exception {
        rsaPair("rsa");
        openssl("rsa", "-in", "rsa-key.pem", "-traditional", "-out", "traditional.pem");
        assertTrue(Files.readString(directory.resolve("traditional.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertEquals("RSA", PemFiles.load(directory.resolve("rsa-cert.pem"), directory.resolve("traditional.pem"))
                .key().getAlgorithm());
    }

    @Test
    void aTraditionalEcKeyAfterItsParametersAndAChainInOneFile() throws Exception {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-key.pem");
        assertTrue(Files.readString(directory.resolve("ec-key.pem")).contains("-----BEGIN EC PRIVATE KEY-----"));
        openssl("req", "-x509", "-key", "ec-key.pem", "-out", "ec-cert.pem", "-days", "2", "-subj", "/CN=ec.example");
        rsaPair("issuer");
        Files.writeString(directory.resolve("chain.pem"), Files.readString(directory.resolve("ec-cert.pem"))
                + Files.readString(directory.resolve("issuer-cert.pem")));
        ServerCredentials credentials = PemFiles.load(directory.resolve("chain.pem"), directory.resolve("ec-key.pem"));
        assertEquals("EC", credentials.key().getAlgorithm());
        assertEquals(2, credentials.chain().size());
        assertEquals("CN=ec.example", credentials.certificate().getSubjectX500Principal().getName(), "the server's first");
    }

    @Test
    void aKeyAndCertificateInOneFile() throws Exception {
        rsaPair("rsa");
        Path both = Files.writeString(directory.resolve("both.pem"), Files.readString(directory.resolve("rsa-key.pem"))
                + Files.readString(directory.resolve("rsa-cert.pem")));
        assertEquals(1, PemFiles.load(both, both).chain().size());
    }

    @Test
    void aPkcs12KeystoreWithAPasswordOrWithout() throws Exception {
        rsaPair("rsa");
        openssl("pkcs12", "-export", "-in", "rsa-cert.pem", "-inkey", "rsa-key.pem", "-out", "secret.p12",
                "-passout", "pass:secret");
        openssl("pkcs12", "-export", "-in", "rsa-cert.pem", "-inkey", "rsa-key.pem", "-out", "open.p12",
                "-passout", "pass:");
        String fingerprint = opensslFingerprint("rsa-cert.pem");
        assertEquals(fingerprint, Pkcs12Keystore.load(directory.resolve("secret.p12"), "secret".toCharArray()).fingerprint());
        assertEquals(fingerprint, Pkcs12Keystore.load(directory.resolve("open.p12"), new char[0]).fingerprint());
        TlsFileException wrong = assertThrows(TlsFileException.class,
                () -> Pkcs12Keystore.load(directory.resolve("secret.p12"), "guess".toCharArray()));
        assertEquals(directory.resolve("secret.p12") + ": wrong password (see --tls-keystore-password)", wrong.getMessage());
    }

    @Test
    void badFilesAreToldByNameAndWhatIsWrong() throws Exception {
        rsaPair("rsa");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other-key.pem");
        openssl("pkey", "-in", "rsa-key.pem", "-aes256", "-passout", "pass:secret", "-out", "encrypted.pem");
        Path cert = directory.resolve("rsa-cert.pem");
        Path key = directory.resolve("rsa-key.pem");
        Path garbage = Files.write(directory.resolve("garbage.pem"), new byte[] {0x30, (byte) 0x82, 0, 1, (byte) 0xff, 10});
        Path broken = Files.writeString(directory.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n");

        assertProblem(directory.resolve("missing.pem") + ": no such file", () -> PemFiles.load(directory.resolve("missing.pem"), key));
        assertProblem(garbage + ": no certificate in it (a PEM block -----BEGIN CERTIFICATE-----)",
                () -> PemFiles.load(garbage, key));
        assertProblem(broken + ": not a valid PEM file", () -> PemFiles.load(broken, key));
        assertProblem(key + ": no certificate in it", () -> PemFiles.load(key, key));
        assertProblem(cert + ": no private key in it", () -> PemFiles.load(cert, cert));
        assertProblem(directory.resolve("encrypted.pem") + ": the private key is encrypted",
                () -> PemFiles.load(cert, directory.resolve("encrypted.pem")));
        assertProblem(directory.resolve("other-key.pem") + ": this private key does not belong to the certificate in " + cert,
                () -> PemFiles.load(cert, directory.resolve("other-key.pem")));
        assertProblem(cert + ": not a PKCS12 keystore", () -> Pkcs12Keystore.load(cert, new char[0]));
    }

    private static void assertProblem(String start, ThrowingLoad load) {
        TlsFileException problem = assertThrows(TlsFileException.class, load::run);
        assertTrue(problem.getMessage().startsWith(start), problem.getMessage());
    }

    @FunctionalInterface
    private interface ThrowingLoad {
        void run() throws Exception;
    }

    @Test
    void aSelfSignedCertificateNamesTheDomainLocalhostAndTheLoopbackAndOpensslVerifiesIt() throws Exception {
        Instant now = Instant.now();
        ServerCredentials credentials = SelfSignedCertificate.generate("mail.example.test", now);
        Path certificate = Files.writeString(directory.resolve("self.pem"), PemFiles.pem(credentials.certificate()));
        Path key = Files.writeString(directory.resolve("self-key.pem"), PemFiles.pem(credentials.key()));
        assertEquals(credentials.fingerprint(), PemFiles.load(certificate, key).fingerprint(), "it reads back whole");
        for (String name : List.of("mail.example.test", "localhost")) {
            assertTrue(openssl("verify", "-CAfile", certificate.toString(), "-purpose", "sslserver", "-verify_hostname",
                    name, certificate.toString()).contains(": OK"), name);
        }
        assertTrue(openssl("verify", "-CAfile", certificate.toString(), "-verify_ip", "127.0.0.1",
                certificate.toString()).contains(": OK"));
        assertTrue(credentials.serves("mail.example.test", now));
        assertFalse(credentials.serves("other.example.test", now));
        assertFalse(credentials.serves("mail.example.test",
                now.plus(SelfSignedCertificate.VALIDITY)), "an expired one is replaced");
        assertEquals(now.plus(Duration.ofDays(825)).getEpochSecond() / 86400,
                credentials.certificate().getNotAfter().toInstant().getEpochSecond() / 86400);
    }
}
