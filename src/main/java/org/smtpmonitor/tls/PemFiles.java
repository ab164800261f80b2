package org.smtpmonitor.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates and keys in PEM files, as OpenSSL and Let's Encrypt write them: a chain of
 * {@code CERTIFICATE} blocks (the server's own first), and an unencrypted private key,
 * PKCS#8 ({@code PRIVATE KEY}) or traditional ({@code RSA PRIVATE KEY}, {@code EC PRIVATE
 * KEY}). The JDK reads the common forms ({@link JdkPem}); BouncyCastle the others
 * ({@link BouncyCastlePem}). The keys and certificates are the JDK's own types.
 */
public final class PemFiles {

    /** A block that holds an encrypted private key: refused, with the command that decrypts it. */
    static final Object ENCRYPTED_KEY = new Object() {
        @Override
        public String toString() {
            return "an encrypted private key";
        }
    };

    /** More than a chain of certificates and a key could ever take: the file named is surely another. */
    private static final int MAX_BYTES = 1 << 20;

    private PemFiles() {
    }

    /**
     * The chain in {@code certificateFile} and the key in {@code keyFile} (which may be the
     * same file), checked to belong together.
     */
    public static ServerCredentials load(Path certificateFile, Path keyFile) throws TlsFileException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Object block : blocks(certificateFile)) {
            if (block instanceof X509Certificate certificate) {
                chain.add(certificate);
            }
        }
        if (chain.isEmpty()) {
            throw new TlsFileException(certificateFile, "no certificate in it (a PEM block -----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = null;
        for (Object block : blocks(keyFile)) {
            if (block == ENCRYPTED_KEY) {
                throw new TlsFileException(keyFile, "the private key is encrypted; give it unencrypted"
                        + " (openssl pkey -in " + keyFile.getFileName() + " -out key.pem)");
            }
            PrivateKey found = block instanceof PrivateKey privateKey ? privateKey : null;
            if (found != null && key != null) {
                throw new TlsFileException(keyFile, "more than one private key in it");
            }
            key = found != null ? found : key;
        }
        if (key == null) {
            throw new TlsFileException(keyFile, "no private key in it (a PEM block -----BEGIN PRIVATE KEY-----,"
                    + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
        }
        ServerCredentials credentials = new ServerCredentials(key, chain);
        checkPair(credentials, certificateFile, keyFile);
        return credentials;
    }

    /** The certificates and keys of {@code file} in their order (see {@link BouncyCastlePem#decode}). */
    private static List<Object> blocks(Path file) throws TlsFileException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "no such file", e);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new TlsFileException(file, "over " + MAX_BYTES / 1024 + " KB: not a PEM file of certificates and a key");
        }
        // Latin-1 maps every byte to a char, so a binary file is found to hold no PEM block
        // rather than failing to decode.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Object> common = JdkPem.decode(text);
        return common != null ? common : BouncyCastlePem.decode(file, text);
    }

    /**
     * The key must be the certificate's: a mismatch would only show at the first handshake,
     * as an obscure failure in a client. Checked by signing with one and verifying with the other.
     */
    private static void checkPair(ServerCredentials credentials, Path certificateFile, Path keyFile)
            throws TlsFileException {
        String algorithm = switch (credentials.key().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> throw new TlsFileException(keyFile, "a " + credentials.key().getAlgorithm()
                    + " key cannot serve TLS 1.2 or 1.3; use an RSA or EC key");
        };
        byte[] probe = "smtp-monitor".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(credentials.key());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(credentials.certificate().getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsFileException(keyFile, "this private key does not belong to the certificate in "
                    + certificateFile + " (" + credentials.certificate().getSubjectX500Principal().getName() + ")");
        }
    }

    /** {@code certificate} as a PEM block. */
    public static String pem(X509Certificate certificate) {
        return BouncyCastlePem.pem(certificate);
    }

    /** {@code key} as a PKCS#8 PEM block ({@code -----BEGIN PRIVATE KEY-----}). */
    public static String pem(PrivateKey key) {
        return BouncyCastlePem.pem(key);
    }
}
