package org.smtpmonitor.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits CSS into tokens as a browser does (CSS Syntax Module Level 3, section 4), so that
 * {@link CssRewriter} finds every {@code url(...)} and {@code @import} that the browser would
 * find: escapes in names ({@code \75 rl(}), comments between tokens ({@code u/**}{@code /rl(} is
 * not a URL), quotes, bad URLs. Each token keeps its place in the text, so what is not rewritten
 * is given back exactly as it was.
 */
final class CssTokens {

    enum Type {
        IDENT, FUNCTION, AT_KEYWORD, HASH, STRING, BAD_STRING, URL, BAD_URL, DELIM, NUMBER, WHITESPACE,
        COMMENT, CDO, CDC, COLON, SEMICOLON, COMMA, OPEN_PAREN, CLOSE_PAREN, OPEN_SQUARE, CLOSE_SQUARE,
        OPEN_CURLY, CLOSE_CURLY
    }

    /**
     * One token: {@code text} is where it stands in the (preprocessed) CSS, {@code value} is
     * what it means with its escapes undone: a name for IDENT, FUNCTION and AT_KEYWORD (in lower
     * case), the contents of a STRING or URL.
     */
    record Token(Type type, int start, int end, String value) {

        boolean is(Type t, String name) {
            return type == t && value.equals(name);
        }
    }

    private static final int EOF = -1;

    private final String css;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private CssTokens(String css) {
        this.css = css;
    }

    /** The CSS as a browser reads it: CR, CRLF and FF are newlines, NUL is U+FFFD (CSS Syntax 3.3). */
    static String preprocess(String css) {
        return css.replace("\r\n", "\n").replace('\r', '\n').replace('\f', '\n').replace('\0', '\uFFFD');
    }

    /** The tokens of {@code css}, which must have been {@link #preprocess preprocessed}. */
    static List<Token> of(String css) {
        CssTokens tokenizer = new CssTokens(css);
        while (tokenizer.pos < css.length()) {
            tokenizer.next();
        }
        return tokenizer.tokens;
    }

    private void next() {
        int start = pos;
        int c = peek(0);
        if (c == '/' && peek(1) == '*') {
            int close = css.indexOf("*/", pos + 2);
            pos = close < 0 ? css.length() : close + 2;
            add(Type.COMMENT, start, "");
            return;
        }
        pos++;
        switch (c) {
            case '\n', '\t', ' ' -> {
                while (isWhitespace(peek(0))) {
                    pos++;
                }
                add(Type.WHITESPACE, start, "");
            }
            case '"', '\'' -> string(start, c);
            case '#' -> {
                if (isNameChar(peek(0)) || isValidEscape(peek(0), peek(1))) {
                    add(Type.HASH, start, identSequence());
                } else {
                    add(Type.DELIM, start, "#");
                }
            }
            case '(' -> add(Type.OPEN_PAREN, start, "");
            case ')' -> add(Type.CLOSE_PAREN, start, "");
            case '[' -> add(Type.OPEN_SQUARE, start, "");
            case ']' -> add(Type.CLOSE_SQUARE, start, "");
            case '{' -> add(Type.OPEN_CURLY, start, "");
            case '}' -> add(Type.CLOSE_CURLY, start, "");
            case ',' -> add(Type.COMMA, start, "");
            case ':' -> add(Type.COLON, start, "");
            case ';' -> add(Type.SEMICOLON, start, "");
            case '+', '.' -> {
                pos--;
                if (startsNumber(0)) {
                    numeric(start);
                } else {
                    pos++;
                    add(Type.DELIM, start, String.valueOf((char) c));
                }
            }
            case '-' -> {
                pos--;
                if (startsNumber(0)) {
                    numeric(start);
                } else if (peek(1) == '-' && peek(2) == '>') {
                    pos += 3;
                    add(Type.CDC, start, "");
                } else if (startsIdent(0)) {
                    identLike(start);
                } else {
                    pos++;
                    add(Type.DELIM, start, "-");
                }
            }
            case '<' -> {
                if (css.startsWith("!--", pos)) {
                    pos += 3;
                    add(Type.CDO, start, "");
                } else {
                    add(Type.DELIM, start, "<");
                }
            }
            case '@' -> {
                if (startsIdent(0)) {
                    add(Type.AT_KEYWORD, start, identSequence().toLowerCase(Locale.ROOT));
                } else {
                    add(Type.DELIM, start, "@");
                }
            }
            case '\\' -> {
                pos--;
                if (isValidEscape(peek(0), peek(1))) {
                    identLike(start);
                } else {
                    pos++;
                    add(Type.DELIM, start, "\\");
                }
            }
            default -> {
                if (isDigit(c)) {
                    pos--;
                    numeric(start);
                } else if (isNameStart(c)) {
                    pos--;
                    identLike(start);
                } else {
                    add(Type.DELIM, start, String.valueOf((char) c));
                }
            }
        }
    }

    private void string(int start, int quote) {
        StringBuilder value = new StringBuilder();
        while (true) {
            int c = peek(0);
            if (c == EOF) {
                add(Type.STRING, start, value.toString());
                return;
            }
            if (c == quote) {
                pos++;
                add(Type.STRING, start, value.toString());
                return;
            }
            if (c == '\n') {
                add(Type.BAD_STRING, start, value.toString()); // the newline is not part of it
                return;
            }
            pos++;
            if (c == '\\') {
                if (peek(0) == '\n') {
                    pos++; // an escaped newline continues the string
                } else if (peek(0) != EOF) {
                    value.appendCodePoint(escaped());
                }
            } else {
                value.append((char) c);
            }
        }
    }

    private void identLike(int start) {
        String name = identSequence();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("url") && peek(0) == '(') {
            pos++;
            int afterParen = pos;
            while (isWhitespace(peek(0)) && isWhitespace(peek(1))) {
                pos++;
            }
            int c = peek(0);
            if (c == '"' || c == '\'' || (isWhitespace(c) && (peek(1) == '"' || peek(1) == '\''))) {
                pos = afterParen;
                add(Type.FUNCTION, start, lower);
            } else {
                url(start);
            }
        } else if (peek(0) == '(') {
            pos++;
            add(Type.FUNCTION, start, lower);
        } else {
            add(Type.IDENT, start, lower);
        }
    }

    private void url(int start) {
        StringBuilder value = new StringBuilder();
        while (isWhitespace(peek(0))) {
            pos++;
        }
        while (true) {
            int c = peek(0);
            if (c == EOF) {
                add(Type.URL, start, value.toString());
                return;
            }
            pos++;
            if (c == ')') {
                add(Type.URL, start, value.toString());
                return;
            }
            if (isWhitespace(c)) {
                while (isWhitespace(peek(0))) {
                    pos++;
                }
                if (peek(0) == ')' || peek(0) == EOF) {
                    pos = Math.min(pos + 1, css.length());
                    add(Type.URL, start, value.toString());
                } else {
                    badUrl(start);
                }
                return;
            }
            if (c == '"' || c == '\'' || c == '(' || isNonPrintable(c)) {
                badUrl(start);
                return;
            }
            if (c == '\\') {
                if (!isValidEscape(c, peek(0))) {
                    badUrl(start);
                    return;
                }
                value.appendCodePoint(escaped());
            } else {
                value.append((char) c);
            }
        }
    }

    /** Skips the rest of a URL that cannot be read, up to its {@code )}, which an escape does not end. */
    private void badUrl(int start) {
        while (true) {
            int c = peek(0);
            if (c == EOF) {
                break;
            }
            pos++;
            if (c == ')') {
                break;
            }
            if (isValidEscape(c, peek(0))) {
                escaped();
            }
        }
        add(Type.BAD_URL, start, "");
    }

    private void numeric(int start) {
        if (peek(0) == '+' || peek(0) == '-') {
            pos++;
        }
        digits();
        if (peek(0) == '.' && isDigit(peek(1))) {
            pos++;
            digits();
        }
        int e = peek(0);
        if ((e == 'e' || e == 'E') && (isDigit(peek(1))
                || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
            pos += 2;
            digits();
        }
        if (startsIdent(0)) {
            identSequence(); // a dimension: 12px, or 5url, which is not a URL
        } else if (peek(0) == '%') {
            pos++;
        }
        add(Type.NUMBER, start, "");
    }

    private void digits() {
        while (isDigit(peek(0))) {
            pos++;
        }
    }

    private String identSequence() {
        StringBuilder name = new StringBuilder();
        while (true) {
            int c = peek(0);
            if (isNameChar(c)) {
                name.append((char) c);
                pos++;
            } else if (isValidEscape(c, peek(1))) {
                pos++;
                name.appendCodePoint(escaped());
            } else {
                return name.toString();
            }
        }
    }

    /** The code point of an escape whose backslash has been read (CSS Syntax 4.3.7). */
    private int escaped() {
        int c = peek(0);
        if (c == EOF) {
            return 0xFFFD;
        }
        pos++;
        if (!isHexDigit(c)) {
            return Character.isHighSurrogate((char) c) && Character.isLowSurrogate((char) peek(0))
                    ? Character.toCodePoint((char) c, (char) css.charAt(pos++)) : c;
        }
        int value = Character.digit(c, 16);
        for (int i = 1; i < 6 && isHexDigit(peek(0)); i++) {
            value = value * 16 + Character.digit(css.charAt(pos++), 16);
        }
        if (isWhitespace(peek(0))) {
            pos++;
        }
        boolean invalid = value == 0 || value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF);
        return invalid ? 0xFFFD : value;
    }

    private boolean startsNumber(int offset) {
        int c = peek(offset);
        if (c == '+' || c == '-') {
            return isDigit(peek(offset + 1)) || (peek(offset + 1) == '.' && isDigit(peek(offset + 2)));
        }
        if (c == '.') {
            return isDigit(peek(offset + 1));
        }
        return isDigit(c);
    }

    private boolean startsIdent(int offset) {
        int c = peek(offset);
        if (c == '-') {
            return isNameStart(peek(offset + 1)) || peek(offset + 1) == '-'
                    || isValidEscape(peek(offset + 1), peek(offset + 2));
        }
        return isNameStart(c) || isValidEscape(c, peek(offset + 1));
    }

    private int peek(int offset) {
        int at = pos + offset;
        return at < css.length() ? css.charAt(at) : EOF;
    }

    private void add(Type type, int start, String value) {
        tokens.add(new Token(type, start, pos, value));
    }

    private static boolean isValidEscape(int first, int second) {
        return first == '\\' && second != '\n';
    }

    private static boolean isWhitespace(int c) {
        return c == '\n' || c == '\t' || c == ' ';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isNameStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isNameChar(int c) {
        return isNameStart(c) || isDigit(c) || c == '-';
    }

    private static boolean isNonPrintable(int c) {
        return (c >= 0 && c <= 8) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F;
    }
}
