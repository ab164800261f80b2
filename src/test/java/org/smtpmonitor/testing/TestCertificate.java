package org.smtpmonitor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-signed certificate and its key as PEM files, made by {@code openssl req} (a real
 * tool, independent of the code under test), and its SHA-256 fingerprint as {@code openssl
 * x509 -fingerprint} prints it: {@code AB:CD:...}.
 */
public record TestCertificate(Path certificate, Path key, String sha256) {

    /** The names a certificate for our tests' server usually carries. */
    public static final List<String> LOCALHOST = List.of("DNS:localhost", "IP:127.0.0.1");

    /**
     * A certificate for {@code CN=localhost} with these subject alternative names (such as
     * {@code DNS:localhost}, {@code IP:127.0.0.1}: what a host name check looks at), made in
     * {@code directory} as {@code name.pem} and {@code name.key}. An EC key: quick to make.
     */
    public static TestCertificate create(Path directory, String name, List<String> subjectAltNames)
            throws IOException, InterruptedException {
        Path certificate = directory.resolve(name + ".pem");
        Path key = directory.resolve(name + ".key");
        ExternalProcess.run(directory, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", certificate.toString(),
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=" + String.join(",", subjectAltNames)),
                60);
        String printed = ExternalProcess.run(directory, List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256",
                "-in", certificate.toString()), 60);
        // "sha256 Fingerprint=AB:CD:..." (older releases: "SHA256 Fingerprint=...")
        String sha256 = printed.strip().substring(printed.indexOf('=') + 1);
        if (!Files.isRegularFile(key) || sha256.length() != 95) {
            throw new AssertionError("openssl made no certificate as expected: " + printed);
        }
        return new TestCertificate(certificate, key, sha256);
    }

    /** The certificate and its key as a PKCS12 key store, made by openssl next to them, protected by {@code password}. */
    public Path pkcs12(String password) throws IOException, InterruptedException {
        Path store = certificate.resolveSibling(certificate.getFileName().toString().replace(".pem", ".p12"));
        ExternalProcess.run(certificate.getParent(), List.of("openssl", "pkcs12", "-export", "-in", certificate.toString(),
                "-inkey", key.toString(), "-out", store.toString(), "-passout", "pass:" + password), 60);
        return store;
    }
}
