package org.smtpmonitor.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What {@link Printable#escape} turns into visible text, and what it leaves alone. */
class PrintableTest {

    @Test
    void everyC0ControlIsEscapedAsTwoLowercaseHexDigits() {
        assertEquals("HELO \\x1b]0;pwned\\x07\\x1b[2J", Printable.escape("HELO \u001b]0;pwned\u0007\u001b[2J"));
        assertEquals("\\x00\\x09\\x0a\\x0d\\x1f", Printable.escape("\u0000\t\n\r\u001f"));
        for (char c = 0; c < 0x20; c++) {
            assertEquals(String.format("\\x%02x", (int) c), Printable.escape(String.valueOf(c)));
        }
    }

    @Test
    void deleteAndEveryC1ControlAreEscaped() {
        assertEquals("\\x7f", Printable.escape("\u007f"));
        for (char c = 0x80; c <= 0x9f; c++) {
            assertEquals(String.format("\\x%02x", (int) c), Printable.escape(String.valueOf(c)));
        }
        assertEquals("a\\x9b31mb", Printable.escape("a\u009b31mb"));
    }

    @Test
    void bidirectionalFormattingAndLineSeparatorsAreEscapedAsFourHexDigits() {
        String[][] cases = {{"\u061c", "\\u061c"}, {"\u200e", "\\u200e"}, {"\u200f", "\\u200f"},
                {"\u202a", "\\u202a"}, {"\u202b", "\\u202b"}, {"\u202c", "\\u202c"}, {"\u202d", "\\u202d"},
                {"\u202e", "\\u202e"}, {"\u2066", "\\u2066"}, {"\u2067", "\\u2067"}, {"\u2068", "\\u2068"},
                {"\u2069", "\\u2069"}, {"\u2028", "\\u2028"}, {"\u2029", "\\u2029"}};
        for (String[] c : cases) {
            assertEquals(c[1], Printable.escape(c[0]));
        }
        assertEquals("invoice\\u202egpj.exe", Printable.escape("invoice\u202egpj.exe"));
    }

    @Test
    void printableTextIsReturnedAsTheSameString() {
        String ascii = "[3] C: MAIL FROM:<a@x> \\ ~ !";
        assertSame(ascii, Printable.escape(ascii));
        String letters = "café ☕ jörg Ωμέγα 日本 \u00a0\u00ff\u0100 \u200b\u2027\u202f\u2065\u206a";
        assertSame(letters, Printable.escape(letters));
        assertSame("", Printable.escape(""));
    }

    @Test
    void surrogatePairsAndBackslashesAreLeftAlone() {
        String emoji = "\uD83D\uDE00 \uD83D\uDC4D\uD83C\uDFFD \uD834\uDD1E";
        assertSame(emoji, Printable.escape(emoji));
        assertEquals("\uD83D\uDE00\\x1b\uD83D\uDE00 \\x1b", Printable.escape("\uD83D\uDE00\u001b\uD83D\uDE00 \\x1b"));
    }

    @Test
    void escapedTextIsPrintableSoEscapingAgainChangesNothing() {
        String once = Printable.escape("a\u001b\r\n\u009b\u202eb");
        assertEquals(once, Printable.escape(once));
    }

    @Test
    void anyCharSequenceIsAccepted() {
        assertEquals("a\\x0db", Printable.escape(new StringBuilder("a\rb")));
    }
}
