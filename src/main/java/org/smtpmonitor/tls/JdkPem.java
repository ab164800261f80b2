package org.smtpmonitor.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The PEM forms the JDK reads by itself: {@code CERTIFICATE} blocks and unencrypted PKCS#8
 * {@code PRIVATE KEY} blocks, which is how OpenSSL 3, Let's Encrypt and our own self-signed
 * certificates are written. Read without BouncyCastle, they spare a start the loading of its
 * signed jars, whose signatures the JDK checks on first use: about 0.7 s of a 2-core
 * machine, on the way to the window's first frame. Anything else is left to
 * {@link BouncyCastlePem}, which reads every form.
 */
final class JdkPem {

    /** What a PKCS#8 key may hold, tried in turn: a factory refuses another algorithm's key. */
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

    private JdkPem() {
    }

    /**
     * The certificates ({@link java.security.cert.X509Certificate}) and keys ({@link PrivateKey})
     * of {@code text} in their order; or null when it holds a block of another kind, a block
     * with headers, a block left open, or one the JDK cannot decode: BouncyCastle's to read,
     * and to explain.
     */
    static List<Object> decode(String text) {
        List<Object> decoded = new ArrayList<>();
        String label = null;
        StringBuilder base64 = new StringBuilder();
        for (String line : text.split("\r\n|\r|\n")) {
            String trimmed = line.strip();
            if (label == null) {
                if (trimmed.startsWith("-----BEGIN ") && trimmed.endsWith("-----")) {
                    label = trimmed.substring("-----BEGIN ".length(), trimmed.length() - "-----".length());
                    base64.setLength(0);
                }
            } else if (trimmed.equals("-----END " + label + "-----")) {
                Object block = block(label, base64.toString());
                if (block == null) {
                    return null;
                }
                decoded.add(block);
                label = null;
            } else if (trimmed.contains(":") || trimmed.startsWith("-----")) {
                // Headers (Proc-Type: 4,ENCRYPTED) or a block that never ended.
                return null;
            } else {
                base64.append(trimmed);
            }
        }
        return label == null ? decoded : null;
    }

    private static Object block(String label, String base64) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            if (label.equals("CERTIFICATE")) {
                return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            }
            if (label.equals("PRIVATE KEY")) {
                return privateKey(der);
            }
        } catch (GeneralSecurityException e) {
            return null;
        }
        return null;
    }

    private static PrivateKey privateKey(byte[] der) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not this algorithm's: the next.
            }
        }
        return null;
    }
}
