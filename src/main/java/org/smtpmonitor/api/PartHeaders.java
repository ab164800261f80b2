package org.smtpmonitor.api;

import java.nio.charset.StandardCharsets;

import org.smtpmonitor.message.Part;

/**
 * The Content-Type and Content-Disposition with which a MIME part is served. Both come from
 * the message, that is from the network: only what is well formed is passed on, so that no
 * header can be split or forged by a part's name or type.
 */
final class PartHeaders {

    /** RFC 2045 tokens: a media type's halves and a charset name. */
    private static final String TOKEN = "[A-Za-z0-9!#$&^_.+-]{1,100}";

    private PartHeaders() {
    }

    /** The part's media type, with its charset for text; {@code application/octet-stream} when it is not well formed. */
    static String contentType(Part part) {
        String type = part.contentType();
        if (!type.matches(TOKEN + "/" + TOKEN)) {
            return "application/octet-stream";
        }
        if (type.startsWith("text/") && part.charset().matches(TOKEN)) {
            return type + "; charset=" + part.charset();
        }
        return type;
    }

    /**
     * {@code attachment} with the file name for a part a reader offers to save (RFC 6266:
     * an ASCII {@code filename} for old clients, the exact name as {@code filename*}); a part
     * that is not an attachment but has a name is {@code inline} with it; else null.
     */
    static String disposition(Part part, boolean attachment) {
        String name = safeName(part.filename());
        if (name.isEmpty()) {
            return attachment ? "attachment" : null;
        }
        return (attachment ? "attachment" : "inline") + "; filename=\"" + asciiName(name) + "\"; filename*=UTF-8''"
                + percentEncoded(name);
    }

    /**
     * The name without what could make it a path or break the header: control characters
     * (CR and LF among them), quotes, backslashes and slashes become {@code _}; leading dots go.
     */
    static String safeName(String filename) {
        StringBuilder safe = new StringBuilder();
        filename.codePoints().forEach(c -> {
            boolean unsafe = c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || c == '"' || c == '\\' || c == '/'
                    || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT;
            safe.appendCodePoint(unsafe ? '_' : c);
        });
        String name = safe.toString().strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        return name.codePointCount(0, name.length()) > 200 ? name.substring(0, name.offsetByCodePoints(0, 200)) : name;
    }

    /** The fallback name of old clients: ASCII only, each other character {@code _}. */
    private static String asciiName(String name) {
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
        return ascii.toString();
    }

    /** RFC 8187 encoding: attr-chars as they are, every other byte of the UTF-8 as %XX. */
    private static String percentEncoded(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
