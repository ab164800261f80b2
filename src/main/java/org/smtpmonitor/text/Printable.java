package org.smtpmonitor.text;

/**
 * Makes text that came from outside (a client's commands, a server's replies, a users
 * file, a message's headers) safe to print on a terminal or show in the window.
 *
 * <p>A control character in a terminal is a command, not a character: ESC sequences
 * retitle or clear the screen, a bare CR returns to the start of the line so that what
 * follows forges a line of its own. Bidirectional formatting characters reorder what is
 * shown (U+202E followed by {@code gpj.exe} reads {@code exe.jpg}). So each of these is written
 * as a visible escape instead, in one form everywhere:
 * <ul>
 * <li>{@code \xNN} (two lowercase hex digits) for the C0 controls U+0000 to U+001F (TAB, CR
 *     and LF included), DEL U+007F and the C1 controls U+0080 to U+009F: ESC is {@code \x1b},
 *     CR is {@code \x0d};</li>
 * <li><code>&#92;uNNNN</code> (four lowercase hex digits) for the bidirectional marks and formatting
 *     characters U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069, and for the
 *     line and paragraph separators U+2028 and U+2029.</li>
 * </ul>
 * Everything else is left as it is, backslashes and letters of any script included, so a
 * literal {@code \x1b} typed by a client looks the same as an escaped ESC: the escape is for
 * the eye, not to be decoded.
 */
public final class Printable {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {
    }

    /**
     * The text with every character described above escaped. Text that needs no escape,
     * by far the most common, is returned as it is (the same {@code String}) without copying.
     */
    public static String escape(CharSequence text) {
        int length = text.length();
        int first = 0;
        while (first < length && !needsEscape(text.charAt(first))) {
            first++;
        }
        if (first == length) {
            return text.toString();
        }
        StringBuilder escaped = new StringBuilder(length + 16).append(text, 0, first);
        for (int i = first; i < length; i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                escaped.append(c);
            } else if (c <= 0xff) {
                escaped.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                escaped.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return escaped.toString();
    }

    // Every character escaped is in the Basic Multilingual Plane, and none is a surrogate,
    // so testing chars one by one leaves surrogate pairs (emoji) whole.
    private static boolean needsEscape(char c) {
        if (c < 0x20) {
            return true;
        }
        if (c < 0x7f) {
            return false;
        }
        if (c <= 0x9f) {
            return true;
        }
        if (c < 0x061c) {
            return false;
        }
        return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
