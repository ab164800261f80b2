package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How {@code expect}'s PATTERN is read: a regex between slashes with flags, else text in any case. */
class TextPatternTest {

    @Test
    void slashesMakeARegularExpressionFoundAnywhereAndCaseSensitive() {
        TextPattern pattern = TextPattern.parse("/token=\\w+/");
        assertTrue(pattern.isRegex());
        assertTrue(pattern.matches("Your link: token=abc123."));
        assertFalse(pattern.matches("TOKEN=abc"));
        assertEquals("/token=\\w+/", pattern.toString());
    }

    @Test
    void flagsIgnoreCaseLetTheDotCrossLinesAndAnchorAtLines() {
        assertTrue(TextPattern.parse("/token=/i").matches("TOKEN=1"));
        assertTrue(TextPattern.parse("/Straße/i").matches("STRASSE straße"));
        assertFalse(TextPattern.parse("/a.b/").matches("a\nb"));
        assertTrue(TextPattern.parse("/a.b/s").matches("a\nb"));
        assertTrue(TextPattern.parse("/^second$/m").matches("first\nsecond\nthird"));
        assertTrue(TextPattern.parse("/ a b # spaced /x").matches("ab"));
    }

    @Test
    void anythingElseIsTextFoundInAnyCase() {
        TextPattern text = TextPattern.parse("Order #1.5");
        assertFalse(text.isRegex());
        assertTrue(text.matches("your ORDER #1.5 shipped"));
        assertFalse(text.matches("Order #115"), "the dot is a dot");
        assertEquals("\"Order #1.5\"", text.toString());
        for (String notARegex : new String[] {"/", "//", "/abc", "a/b/", "/a/b c"}) {
            assertFalse(TextPattern.parse(notARegex).isRegex(), notARegex);
        }
        assertFalse(TextPattern.parse("x").matches(null));
    }

    @Test
    void aMalformedRegexOrAnUnknownFlagIsRefusedSayingWhy() {
        IllegalArgumentException unclosed = assertThrows(IllegalArgumentException.class, () -> TextPattern.parse("/(a/"));
        assertEquals("'/(a/' is not a valid regular expression: Unclosed group at index 2", unclosed.getMessage());
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class, () -> TextPattern.parse("/usr/bin"));
        assertEquals("'/usr/bin': unknown regular expression flag 'b' (flags: i, s, m, x)", flag.getMessage());
    }
}
