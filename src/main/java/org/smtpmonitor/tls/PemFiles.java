package org.smtpmonitor.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and keys in PEM files, as OpenSSL and Let's Encrypt write them: a chain of
 * {@code CERTIFICATE} blocks (the server's own first), and an unencrypted private key,
 * PKCS#8 ({@code PRIVATE KEY}) or traditional ({@code RSA PRIVATE KEY}, {@code EC PRIVATE
 * KEY}). Parsed with BouncyCastle's PEMParser; the keys and certificates come out as the
 * JDK's own types, made by the JDK's providers.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /**
     * The chain in {@code certificateFile} and the key in {@code keyFile} (which may be the
     * same file), checked to belong together.
     */
    public static ServerCredentials load(Path certificateFile, Path keyFile) throws TlsFileException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Object block : blocks(certificateFile)) {
            if (block instanceof X509CertificateHolder holder) {
                chain.add(certificate(certificateFile, holder, chain.size() + 1));
            }
        }
        if (chain.isEmpty()) {
            throw new TlsFileException(certificateFile, "no certificate in it (a PEM block -----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = null;
        for (Object block : blocks(keyFile)) {
            PrivateKey found = key(keyFile, block);
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

    private static List<Object> blocks(Path file) throws TlsFileException {
        // Latin-1 maps every byte to a char, so a binary file is found to hold no PEM block
        // rather than failing to decode.
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
             PEMParser parser = new PEMParser(reader)) {
            List<Object> blocks = new ArrayList<>();
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
            return blocks;
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "no such file", e);
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(file, "not a valid PEM file: " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(Path file, X509CertificateHolder holder, int number)
            throws TlsFileException {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new TlsFileException(file, "certificate " + number + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The private key in {@code block}, or null when the block is something else (a certificate, EC parameters). */
    private static PrivateKey key(Path file, Object block) throws TlsFileException {
        try {
            if (block instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            if (block instanceof PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(file, "the private key cannot be read: " + e.getMessage(), e);
        }
        if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new TlsFileException(file, "the private key is encrypted; give it unencrypted"
                    + " (openssl pkey -in " + file.getFileName() + " -out key.pem)");
        }
        return null;
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
        return write(certificate);
    }

    /** {@code key} as a PKCS#8 PEM block ({@code -----BEGIN PRIVATE KEY-----}). */
    public static String pem(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            // A StringWriter does not fail.
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
