package org.smtpmonitor.ui;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded words in header values ({@code =?UTF-8?B?SGVsbG8=?=}), so the
 * message list shows subjects and names as their senders wrote them. A word that cannot
 * be decoded (unknown charset, bad Base64) is shown as it was sent.
 */
final class EncodedWords {

    // RFC 2047 section 2: =?charset?encoding?encoded-text?= (charset may carry *language, RFC 2231).
    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    // Section 6.2: white space between two adjacent encoded words is not shown.
    private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)[ \\t\\r\\n]+(=\\?)");

    private EncodedWords() {
    }

    static String decode(String value) {
        if (value.indexOf("=?") < 0) {
            return value;
        }
        String joined = BETWEEN_WORDS.matcher(value).replaceAll("$1$2");
        Matcher matcher = WORD.matcher(joined);
        StringBuilder out = new StringBuilder(joined.length());
        int last = 0;
        while (matcher.find()) {
            String decoded = decodeWord(matcher.group(1), matcher.group(2), matcher.group(3));
            out.append(joined, last, matcher.start());
            out.append(decoded != null ? decoded : matcher.group());
            last = matcher.end();
        }
        if (last == 0) {
            return value;
        }
        return out.append(joined, last, joined.length()).toString();
    }

    private static String decodeWord(String charsetName, String encoding, String text) {
        int star = charsetName.indexOf('*');
        String name = star >= 0 ? charsetName.substring(0, star) : charsetName;
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] bytes;
        if (encoding.equalsIgnoreCase("B")) {
            try {
                bytes = Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else {
            bytes = decodeQ(text);
            if (bytes == null) {
                return null;
            }
        }
        return new String(bytes, charset);
    }

    /** The "Q" encoding: quoted-printable where '_' stands for a space (section 4.2). */
    private static byte[] decodeQ(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                out.write(high << 4 | low);
                i += 2;
            } else {
                out.write(String.valueOf(c).getBytes(StandardCharsets.ISO_8859_1), 0, 1);
            }
        }
        return out.toByteArray();
    }
}
