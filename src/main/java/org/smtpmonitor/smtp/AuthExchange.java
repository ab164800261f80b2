package org.smtpmonitor.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SASL side of one AUTH command: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login)
 * or CRAM-MD5 (RFC 2195). It turns the client's decoded responses into the next challenge,
 * and at the end into {@link Credentials} that can be checked against a password; it holds
 * no password itself, and base64 is its caller's business.
 */
final class AuthExchange {

    /** The mechanisms we offer, in the order EHLO lists them. */
    enum Mechanism {
        PLAIN("PLAIN"), LOGIN("LOGIN"), CRAM_MD5("CRAM-MD5");

        final String saslName;

        Mechanism(String saslName) {
            this.saslName = saslName;
        }

        /** The mechanism called {@code name} in any case, or null when we offer none of that name. */
        static Mechanism named(String name) {
            String upper = name.toUpperCase(Locale.ROOT);
            for (Mechanism mechanism : values()) {
                if (mechanism.saslName.equals(upper)) {
                    return mechanism;
                }
            }
            return null;
        }

        /** RFC 2195 has no initial response: the server speaks first. */
        boolean takesInitialResponse() {
            return this != CRAM_MD5;
        }
    }

    /** What the exchange does with the client's last response. */
    sealed interface Result permits Challenge, Credentials, Malformed {
    }

    /** Send this challenge (a 334) and wait for the next response. */
    record Challenge(byte[] data) implements Result {
    }

    /**
     * The exchange is over: the client claims to be {@code user} (acting for {@code authorizeAs},
     * empty when it asked for nothing else), and {@code proof} tells whether a password is the one
     * it proved to know.
     */
    record Credentials(String user, String authorizeAs, Proof proof) implements Result {
    }

    /** The response is not what the mechanism expects (a 501): the exchange is over. */
    record Malformed() implements Result {
    }

    /** Checks a clear password against what the client sent, in time that does not tell how much matched. */
    @FunctionalInterface
    interface Proof {
        boolean matches(String password);
    }

    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Mechanism mechanism;
    private final String domain;
    /** LOGIN: the user name, once the first response gave it. */
    private String loginUser;
    /** CRAM-MD5: the challenge sent, which the client's digest must be keyed on. */
    private byte[] cramChallenge;

    /** @param domain the server's name, part of a CRAM-MD5 challenge (RFC 2195 wants it unique) */
    AuthExchange(Mechanism mechanism, String domain) {
        this.mechanism = mechanism;
        this.domain = domain;
    }

    Mechanism mechanism() {
        return mechanism;
    }

    /**
     * Starts the exchange, with the AUTH command's initial response decoded (null when it
     * had none; never for CRAM-MD5).
     */
    Result begin(byte[] initialResponse) {
        switch (mechanism) {
            case PLAIN:
                return initialResponse == null ? new Challenge(new byte[0]) : plain(initialResponse);
            case LOGIN:
                return initialResponse == null ? new Challenge(USERNAME) : respond(initialResponse);
            default:
                cramChallenge = ("<" + Long.toUnsignedString(RANDOM.nextLong()) + "." + System.currentTimeMillis()
                        + "@" + domain + ">").getBytes(StandardCharsets.US_ASCII);
                return new Challenge(cramChallenge);
        }
    }

    /** The client's decoded response to the last challenge. */
    Result respond(byte[] response) {
        switch (mechanism) {
            case PLAIN:
                return plain(response);
            case LOGIN:
                String text = utf8(response);
                if (text == null) {
                    return new Malformed();
                }
                if (loginUser == null) {
                    loginUser = text;
                    return new Challenge(PASSWORD);
                }
                return new Credentials(loginUser, "", password -> sameText(password, text));
            default:
                return cramMd5(response);
        }
    }

    /** RFC 4616: {@code [authzid] NUL authcid NUL passwd}. */
    private static Result plain(byte[] message) {
        String text = utf8(message);
        if (text == null) {
            return new Malformed();
        }
        int first = text.indexOf('\0');
        int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
        if (second < 0 || text.indexOf('\0', second + 1) >= 0) {
            return new Malformed();
        }
        String given = text.substring(second + 1);
        return new Credentials(text.substring(first + 1, second), text.substring(0, first),
                password -> sameText(password, given));
    }

    /** RFC 2195: {@code user SP digest}, the digest 32 lowercase hex digits of HMAC-MD5(password, challenge). */
    private Result cramMd5(byte[] response) {
        String text = utf8(response);
        int space = text == null ? -1 : text.lastIndexOf(' ');
        if (space < 0 || text.length() - space - 1 != 32) {
            return new Malformed();
        }
        byte[] digest = text.substring(space + 1).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        byte[] challenge = cramChallenge;
        return new Credentials(text.substring(0, space), "",
                password -> MessageDigest.isEqual(hmacMd5Hex(password, challenge), digest));
    }

    /** The lowercase hex of HMAC-MD5 keyed by {@code password} over {@code challenge}, as ASCII bytes. */
    static byte[] hmacMd5Hex(String password, byte[] challenge) {
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        if (key.length == 0) {
            // The JDK refuses an empty key; no empty password matches anything.
            return new byte[0];
        }
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            return HexFormat.of().formatHex(mac.doFinal(challenge)).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacMD5", e);
        }
    }

    private static boolean sameText(String password, String given) {
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes as UTF-8 text, or null when they are not well-formed UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
