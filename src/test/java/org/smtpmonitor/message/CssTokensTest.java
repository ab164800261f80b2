package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.message.CssTokens.Token;
import org.smtpmonitor.message.CssTokens.Type;

/** CSS read as CSS Syntax Level 3 reads it, where a wrong reading would hide a URL or invent one. */
class CssTokensTest {

    @Test
    void escapesInANameAreUndoneSoAnEscapedUrlIsAUrl() {
        assertEquals(List.of("URL http://a/"), significant("\\75 rl(http://a/)"));
        assertEquals(List.of("URL http://a/"), significant("U\\52L(http://a/)"));
        assertEquals(List.of("URL a)b"), significant("url(a\\)b)"));
    }

    @Test
    void aQuotedUrlIsAFunctionWithAString() {
        assertEquals(List.of("FUNCTION url", "STRING http://a/ b", "CLOSE_PAREN "), significant("url(  \"http://a/ b\" )"));
    }

    @Test
    void whatLooksLikeAUrlButIsNotStaysSo() {
        assertEquals(List.of("NUMBER ", "OPEN_PAREN ", "IDENT x", "CLOSE_PAREN "), significant("5url(x)"));
        assertEquals(List.of("FUNCTION -url", "IDENT x", "CLOSE_PAREN "), significant("-url(x)"));
        assertEquals(List.of("IDENT u", "FUNCTION rl", "IDENT x", "CLOSE_PAREN "), significant("u/**/rl(x)"));
        assertEquals(List.of("IDENT url", "OPEN_PAREN ", "IDENT x", "CLOSE_PAREN "), significant("url (x)"));
        assertEquals(List.of("STRING url(http://a/)"), significant("'url(http://a/)'"));
    }

    @Test
    void aBadUrlRunsToItsCloseAndNoFurther() {
        assertEquals(List.of("BAD_URL ", "IDENT b"), significant("url(a b\\) c) b"));
        assertEquals(List.of("BAD_URL ", "SEMICOLON "), significant("url(a\"b);"));
    }

    @Test
    void aStringEndsAtItsQuoteOrANewlineAndAnEscapedNewlineContinuesIt() {
        assertEquals(List.of("STRING a\"b", "IDENT c"), significant("\"a\\\"b\" c"));
        assertEquals(List.of("BAD_STRING abc", "IDENT d"), significant(CssTokens.preprocess("'abc\r\nd")));
        assertEquals(List.of("STRING abcd"), significant("'abc\\\nd'"));
    }

    @Test
    void anAtKeywordsNameIsUnescapedAndInLowerCase() {
        assertEquals(List.of("AT_KEYWORD import", "STRING x"), significant("@\\49 MPORT 'x'"));
    }

    @Test
    void anUnclosedCommentTakesTheRest() {
        assertEquals(List.of("IDENT a"), significant("a /* url(http://a/)"));
    }

    /** The tokens but whitespace and comments, as "TYPE value". */
    private static List<String> significant(String css) {
        return CssTokens.of(css).stream()
                .filter(t -> t.type() != Type.WHITESPACE && t.type() != Type.COMMENT)
                .map(CssTokensTest::describe).toList();
    }

    private static String describe(Token token) {
        return token.type() + " " + token.value();
    }
}
