package org.smtpmonitor.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PrivateKey;
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
 * PEM in every form OpenSSL writes, through BouncyCastle's PEMParser: traditional keys
 * ({@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}), encrypted keys (to be refused by
 * name), EC parameters, and what the JDK could not decode. The keys and certificates come
 * out as the JDK's own types, made by the JDK's providers, so that only this class and
 * {@link SelfSignedCertificate} ever load BouncyCastle.
 */
final class BouncyCastlePem {

    private BouncyCastlePem() {
    }

    /**
     * The certificates and private keys of {@code text}, read from {@code file}, in their
     * order: JDK types, {@link PemFiles#ENCRYPTED_KEY}, or null for a block of another kind.
     */
    static List<Object> decode(Path file, String text) throws TlsFileException {
        List<Object> blocks = new ArrayList<>();
        int certificates = 0;
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (block instanceof X509CertificateHolder holder) {
                    certificates++;
                    blocks.add(certificate(file, holder, certificates));
                } else {
                    blocks.add(key(file, block));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(file, "not a valid PEM file: " + e.getMessage(), e);
        }
        return blocks;
    }

    private static Object certificate(Path file, X509CertificateHolder holder, int number) throws TlsFileException {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new TlsFileException(file, "certificate " + number + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The private key in {@code block}, {@link PemFiles#ENCRYPTED_KEY}, or null when the
     * block is something else (EC parameters).
     */
    private static Object key(Path file, Object block) throws TlsFileException {
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
            return PemFiles.ENCRYPTED_KEY;
        }
        return null;
    }

    /** {@code certificate} as a PEM block. */
    static String pem(X509Certificate certificate) {
        return write(certificate);
    }

    /** {@code key} as a PKCS#8 PEM block ({@code -----BEGIN PRIVATE KEY-----}). */
    static String pem(PrivateKey key) {
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
