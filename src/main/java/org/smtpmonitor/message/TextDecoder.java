package org.smtpmonitor.message;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the bytes of a header or a text part into a string, with a sensible guess where the
 * declared charset is missing, unknown or plainly wrong.
 *
 * <p>The guess is UTF-8 where the bytes are valid UTF-8 (RFC 6532 allows it in headers, and most
 * undeclared 8-bit mail today is UTF-8), and windows-1252 otherwise: it is what mail labelled
 * ISO-8859-1 or US-ASCII usually is, and every byte means something in it.
 */
final class TextDecoder {

    /** The charset of 8-bit text that is not UTF-8. */
    static final Charset LEGACY = Charset.forName("windows-1252");

    private TextDecoder() {
    }

    /**
     * The text of {@code bytes} in {@code declaredCharset} (a MIME charset name, or null when
     * none was given). An unknown charset, or US-ASCII declared for 8-bit bytes, falls back
     * to the guess described above.
     */
    static String decode(byte[] bytes, int from, int to, String declaredCharset) {
        if (isAscii(bytes, from, to)) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
        Charset charset = charsetOrNull(declaredCharset);
        if (charset == null || charset.equals(StandardCharsets.US_ASCII)) {
            return guess(bytes, from, to);
        }
        return new String(bytes, from, to - from, charset);
    }

    /** The text of 8-bit bytes whose charset nobody declared. */
    static String guess(byte[] bytes, int from, int to) {
        return checkUtf8(bytes, from, to) != Utf8.INVALID
                ? new String(bytes, from, to - from, StandardCharsets.UTF_8)
                : new String(bytes, from, to - from, LEGACY);
    }

    /** The Java charset of a MIME charset name, or null if Java has none by that name. */
    static Charset charsetOrNull(String name) {
        if (name == null || !KnownNames.NAMES.contains(name.strip().toLowerCase(Locale.ROOT))) {
            return null;
        }
        try {
            return Charset.forName(name.strip());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /**
     * The names and aliases of every charset Java has, in lower case. Asking Java for a name it
     * does not know searches every charset provider on the class path each time (about a third of
     * a millisecond), so a message of a thousand parts with made-up charsets would take seconds.
     */
    private static final class KnownNames {

        static final Set<String> NAMES = names();

        private static Set<String> names() {
            Set<String> names = new HashSet<>();
            for (Charset charset : Charset.availableCharsets().values()) {
                names.add(charset.name().toLowerCase(Locale.ROOT));
                charset.aliases().forEach(alias -> names.add(alias.toLowerCase(Locale.ROOT)));
            }
            return Set.copyOf(names);
        }
    }

    static boolean isAscii(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** True when {@link #guess} reads the bytes as windows-1252. */
    static boolean guessesLegacy(byte[] bytes, int from, int to) {
        return !isAscii(bytes, from, to) && checkUtf8(bytes, from, to) == Utf8.INVALID;
    }

    /** True when the bytes are well-formed UTF-8 (no overlong forms, no surrogates), checked without decoding. */
    static boolean isUtf8(byte[] bytes, int from, int to) {
        return checkUtf8(bytes, from, to) == Utf8.VALID;
    }

    private enum Utf8 { VALID, INVALID, CUT_SHORT }

    /** Whether the bytes are UTF-8, not UTF-8, or UTF-8 but for a last character cut short (a header read in part). */
    private static Utf8 checkUtf8(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int lead = bytes[i] & 0xff;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int continuations;
            int low = 0x80;
            int high = 0xbf;
            if (lead >= 0xc2 && lead <= 0xdf) {
                continuations = 1;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                continuations = 2;
                low = lead == 0xe0 ? 0xa0 : 0x80;
                high = lead == 0xed ? 0x9f : 0xbf;
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                continuations = 3;
                low = lead == 0xf0 ? 0x90 : 0x80;
                high = lead == 0xf4 ? 0x8f : 0xbf;
            } else {
                return Utf8.INVALID;
            }
            for (int k = 1; k <= continuations; k++) {
                if (i + k >= to) {
                    return Utf8.CUT_SHORT;
                }
                int next = bytes[i + k] & 0xff;
                if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xbf)) {
                    return Utf8.INVALID;
                }
            }
            i += continuations + 1;
        }
        return Utf8.VALID;
    }
}
