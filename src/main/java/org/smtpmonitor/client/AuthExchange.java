package org.smtpmonitor.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client's side of one AUTH exchange (RFC 4954): the command, then a response to each
 * {@code 334} challenge. Each line that carries a credential is shown as {@code ****} in
 * {@link #shownCommand()} and {@link #SHOWN_RESPONSE}, which is all a transcript may print.
 */
final class AuthExchange {

    /** What a response line is shown as: each carries a credential or a digest of one. */
    static final String SHOWN_RESPONSE = "****";

    private final AuthMechanism mechanism;
    private final Credentials credentials;
    private int challenges;

    AuthExchange(AuthMechanism mechanism, Credentials credentials) {
        this.mechanism = mechanism;
        this.credentials = credentials;
    }

    /**
     * The AUTH command. PLAIN sends its one message at once, as an initial response (RFC
     * 4954 4), saving a round trip; the others wait for the server's challenge.
     */
    String command() {
        return switch (mechanism) {
            case PLAIN -> "AUTH PLAIN " + base64("\0" + credentials.user() + "\0" + credentials.password());
            case LOGIN -> "AUTH LOGIN";
            case CRAM_MD5 -> "AUTH CRAM-MD5";
        };
    }

    /** The command as a transcript may show it. */
    String shownCommand() {
        return mechanism == AuthMechanism.PLAIN ? "AUTH PLAIN " + SHOWN_RESPONSE : command();
    }

    /**
     * The response to the next {@code 334} challenge, whose text is the base64 after the code.
     *
     * @throws SmtpProtocolException when the mechanism has nothing more to say, or the
     *                               challenge is not base64
     */
    String respond(String challenge) throws SmtpProtocolException {
        challenges++;
        switch (mechanism) {
            case LOGIN:
                // The challenges are "Username:" and "Password:" by custom, in that order; their
                // wording varies, so it is their order that counts.
                if (challenges == 1) {
                    return base64(credentials.user());
                }
                if (challenges == 2) {
                    return base64(credentials.password());
                }
                break;
            case CRAM_MD5:
                if (challenges == 1) {
                    return base64(credentials.user() + " " + hmacMd5(decode(challenge)));
                }
                break;
            default:
                break;
        }
        throw new SmtpProtocolException("the server asked for more than AUTH " + mechanism.wireName() + " gives"
                + " (challenge " + challenges + ")");
    }

    private static byte[] decode(String challenge) throws SmtpProtocolException {
        try {
            return Base64.getDecoder().decode(challenge.strip());
        } catch (IllegalArgumentException e) {
            throw new SmtpProtocolException("the server's AUTH challenge is not base64: " + e.getMessage());
        }
    }

    /** RFC 2195: the HMAC-MD5 of the challenge keyed with the password, in lowercase hex. */
    private String hmacMd5(byte[] challenge) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            byte[] key = credentials.password().getBytes(StandardCharsets.UTF_8);
            // HMAC pads its key with zeros (RFC 2104), so one zero byte is the empty key,
            // which SecretKeySpec refuses.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacMD5"));
            return HexFormat.of().formatHex(mac.doFinal(challenge));
        } catch (GeneralSecurityException e) {
            // Every JDK has HmacMD5.
            throw new IllegalStateException("CRAM-MD5 cannot be computed: " + e.getMessage(), e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
