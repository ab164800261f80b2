package org.smtpmonitor.text;

/**
 * Whether text is plain US-ASCII: what mail domains and headers take without SMTPUTF8 or
 * IDNA. (The {@code smtp} package, which uses nothing of ours, keeps a copy of its own.)
 */
public final class Ascii {

    private Ascii() {
    }

    /** True when every character of {@code text} is below U+0080. */
    public static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
