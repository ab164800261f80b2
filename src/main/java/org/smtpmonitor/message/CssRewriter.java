package org.smtpmonitor.message;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

import org.smtpmonitor.message.CssTokens.Token;
import org.smtpmonitor.message.CssTokens.Type;

/**
 * Rewrites every place in CSS (a {@code <style>} block or a {@code style} attribute) where a
 * browser would fetch something: {@code url(...)} in both its forms, {@code src("...")}, the
 * strings of {@code image-set()} and {@code image()}, and {@code @import}. Each goes through
 * {@link ResourceUrls}: what it allows is written back as {@code url("...")}, what it blocks
 * becomes {@code none} (an {@code @import} is dropped whole). Everything else is given back as
 * it was, token by token.
 */
final class CssRewriter {

    /** Functions whose string arguments are URLs (CSS Images 4). */
    private static final Set<String> IMAGE_FUNCTIONS = Set.of("image-set", "-webkit-image-set", "image");
    /** Functions whose one argument is a URL, written as a string. */
    private static final Set<String> URL_FUNCTIONS = Set.of("url", "src");
    private static final String BLOCKED = " none ";

    private final ResourceUrls urls;

    CssRewriter(ResourceUrls urls) {
        this.urls = urls;
    }

    /** The CSS with its URLs rewritten. */
    String rewrite(String css) {
        String text = CssTokens.preprocess(css);
        List<Token> tokens = CssTokens.of(text);
        StringBuilder out = new StringBuilder(text.length());
        Deque<String> open = new ArrayDeque<>(); // the functions and blocks we are inside, innermost first
        int i = 0;
        while (i < tokens.size()) {
            Token token = tokens.get(i);
            switch (token.type()) {
                case URL -> out.append(resource(token.value()));
                case BAD_URL -> out.append(BLOCKED); // a browser ignores it; it is not ours to repair
                case FUNCTION -> {
                    if (URL_FUNCTIONS.contains(token.value())) {
                        int close = matchingClose(tokens, i);
                        out.append(resource(firstString(tokens, i + 1, close)));
                        i = close;
                    } else {
                        open.push(token.value());
                        out.append(text, token.start(), token.end());
                    }
                }
                case STRING -> {
                    boolean isUrl = !open.isEmpty() && IMAGE_FUNCTIONS.contains(open.peek());
                    out.append(isUrl ? resource(token.value()) : text.substring(token.start(), token.end()));
                }
                case AT_KEYWORD -> {
                    if (token.value().equals("import")) {
                        int end = endOfStatement(tokens, i);
                        out.append(importRule(tokens, i + 1, end));
                        i = end;
                    } else {
                        out.append(text, token.start(), token.end());
                    }
                }
                case OPEN_PAREN, OPEN_SQUARE, OPEN_CURLY -> {
                    open.push("");
                    out.append(text, token.start(), token.end());
                }
                case CLOSE_PAREN, CLOSE_SQUARE, CLOSE_CURLY -> {
                    open.poll();
                    out.append(text, token.start(), token.end());
                }
                default -> out.append(text, token.start(), token.end());
            }
            i++;
        }
        return out.toString();
    }

    /** An {@code @import} kept (its URL only: media and layer conditions go) or dropped. */
    private String importRule(List<Token> tokens, int from, int end) {
        String url = null;
        for (int k = from; k < end && url == null; k++) {
            Token token = tokens.get(k);
            if (token.type() == Type.STRING || token.type() == Type.URL) {
                url = token.value();
            } else if (token.type() == Type.FUNCTION && URL_FUNCTIONS.contains(token.value())) {
                url = firstString(tokens, k + 1, matchingClose(tokens, k));
            }
        }
        String allowed = url == null ? null : urls.stylesheet(url);
        return allowed == null ? " " : "@import " + cssUrl(allowed) + ";";
    }

    private String resource(String url) {
        String allowed = url == null ? null : urls.resource(url);
        return allowed == null ? BLOCKED : cssUrl(allowed);
    }

    /**
     * A URL written as CSS: quoted, with quotes, backslashes, controls and {@code <} escaped
     * (so that nothing we write can close the {@code <style>} element it stands in).
     */
    static String cssUrl(String url) {
        StringBuilder out = new StringBuilder(url.length() + 8).append("url(\"");
        for (int k = 0; k < url.length(); k++) {
            char c = url.charAt(k);
            if (c == '"' || c == '\\' || c == '<' || c < 0x20 || c == 0x7F) {
                out.append('\\').append(Integer.toHexString(c)).append(' ');
            } else {
                out.append(c);
            }
        }
        return out.append("\")").toString();
    }

    /** The value of the first string between {@code from} and {@code end}, or null. */
    private static String firstString(List<Token> tokens, int from, int end) {
        for (int k = from; k < end; k++) {
            if (tokens.get(k).type() == Type.STRING) {
                return tokens.get(k).value();
            }
        }
        return null;
    }

    /** The index of the token that closes the function or block opened at {@code open}, or the last token. */
    private static int matchingClose(List<Token> tokens, int open) {
        int depth = 0;
        for (int k = open; k < tokens.size(); k++) {
            switch (tokens.get(k).type()) {
                case FUNCTION, OPEN_PAREN, OPEN_SQUARE, OPEN_CURLY -> depth++;
                case CLOSE_PAREN, CLOSE_SQUARE, CLOSE_CURLY -> {
                    if (--depth == 0) {
                        return k;
                    }
                }
                default -> {
                }
            }
        }
        return tokens.size() - 1;
    }

    /** The index of the {@code ;} that ends the at-rule at {@code at} (or of its block's end, or the last token). */
    private static int endOfStatement(List<Token> tokens, int at) {
        for (int k = at + 1; k < tokens.size(); k++) {
            Type type = tokens.get(k).type();
            if (type == Type.SEMICOLON) {
                return k;
            }
            if (type == Type.FUNCTION || type == Type.OPEN_PAREN || type == Type.OPEN_SQUARE
                    || type == Type.OPEN_CURLY) {
                k = matchingClose(tokens, k);
                if (type == Type.OPEN_CURLY) {
                    return k;
                }
            } else if (type == Type.CLOSE_CURLY) {
                return k - 1; // the end of the block the rule stands in, which is not ours to drop
            }
        }
        return tokens.size() - 1;
    }
}
