package org.smtpmonitor.app;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What {@code expect --subject} and {@code --body} look for: {@code /regex/flags}, a Java
 * regular expression found anywhere in the text ({@code i} ignores case, {@code s} lets
 * {@code .} match line ends, {@code m} makes {@code ^} and {@code $} match at lines, {@code x}
 * allows spaces and comments), or else a plain piece of text, found in any case. A value
 * that starts with {@code /} and ends with {@code /} and letters is a regular expression. A regular
 * expression is easy to get wrong in a CI script, so one that does not compile is refused
 * with the reason, rather than read as text.
 */
public final class TextPattern {

    /** {@code /regex/} and its flags: any letters, so that a mistyped flag is told rather than taken as text. */
    private static final Pattern WRITTEN_AS_REGEX = Pattern.compile("/(.+)/([A-Za-z]*)", Pattern.DOTALL);

    private final String source;
    private final Pattern regex;
    private final String text;

    private TextPattern(String source, Pattern regex, String text) {
        this.source = source;
        this.regex = regex;
        this.text = text;
    }

    /**
     * The pattern written as {@code value}.
     *
     * @throws IllegalArgumentException when a {@code /.../} value is not a well-formed
     *         regular expression, or has a flag other than i, s, m, x, saying what is wrong
     */
    public static TextPattern parse(String value) {
        Matcher written = WRITTEN_AS_REGEX.matcher(value);
        if (written.matches()) {
            String flags = written.group(2);
            int bits = 0;
            for (char flag : flags.toCharArray()) {
                bits |= switch (flag) {
                    case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                    case 's' -> Pattern.DOTALL;
                    case 'm' -> Pattern.MULTILINE;
                    case 'x' -> Pattern.COMMENTS;
                    default -> throw new IllegalArgumentException("'" + value + "': unknown regular expression flag '"
                            + flag + "' (flags: i, s, m, x)");
                };
            }
            try {
                return new TextPattern(value, Pattern.compile(written.group(1), bits), null);
            } catch (PatternSyntaxException e) {
                // getDescription and getIndex, not getMessage: that one spans three lines.
                throw new IllegalArgumentException("'" + value + "' is not a valid regular expression: "
                        + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""), e);
            }
        }
        return new TextPattern(value, null, value.toLowerCase(Locale.ROOT));
    }

    public boolean isRegex() {
        return regex != null;
    }

    /** Whether {@code value} holds the text, or the regular expression finds a match in it. */
    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        return regex != null ? regex.matcher(value).find() : value.toLowerCase(Locale.ROOT).contains(text);
    }

    /** The pattern as written, a regex between its slashes, a text in quotes: {@code /Reset/i}, {@code "token="}. */
    @Override
    public String toString() {
        return regex != null ? source : "\"" + source + "\"";
    }
}
