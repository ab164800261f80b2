package org.smtpmonitor.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate's SHA-256 fingerprint: the digest of its DER encoding, as {@code openssl x509
 * -fingerprint -sha256} and browsers show it. Written as people compare them, lowercase hex
 * in pairs: {@code ab:cd:...}.
 */
public record Fingerprint(String hex) {

    private static final int DIGITS = 64;
    private static final HexFormat PAIRS = HexFormat.ofDelimiter(":");

    public Fingerprint {
        if (hex.length() != DIGITS || !hex.chars().allMatch(Fingerprint::isHexDigit)) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: " + hex);
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static Fingerprint of(X509Certificate certificate) {
        try {
            return new Fingerprint(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // Every JDK has SHA-256, and a certificate received in a handshake was decoded from DER.
            throw new IllegalStateException("cannot take the fingerprint of " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * A fingerprint as people paste it: 64 hex digits, in any case, with or without colons
     * between the pairs ({@code AB:CD:...}, {@code abcd...}).
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static Fingerprint parse(String text) {
        String digits = text.strip().replace(":", "");
        if (!digits.chars().allMatch(Fingerprint::isHexDigit)) {
            throw new IllegalArgumentException("'" + text + "' is not a SHA-256 fingerprint: only hex digits and colons"
                    + " may appear in it");
        }
        if (digits.length() != DIGITS) {
            throw new IllegalArgumentException("'" + text + "' is not a SHA-256 fingerprint: it has " + digits.length()
                    + " hex digits, not " + DIGITS);
        }
        return new Fingerprint(digits);
    }

    /** ASCII only: Character.digit would take other scripts' digits too. */
    private static boolean isHexDigit(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** {@code ab:cd:...}: 32 pairs. */
    @Override
    public String toString() {
        return PAIRS.formatHex(HexFormat.of().parseHex(hex));
    }
}
