package org.smtpmonitor.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Content-IDs as compared: a {@code cid:} URL is percent-encoded (RFC 2392), a Content-ID is not. */
final class ContentIds {

    private ContentIds() {
    }

    /** The bare id of a {@code cid:} URL or a Content-ID, with or without angle brackets. */
    static String normalise(String cid) {
        String id = cid.strip();
        if (id.toLowerCase(Locale.ROOT).startsWith("cid:")) {
            id = percentDecoded(id.substring(4));
        }
        if (id.startsWith("<") && id.endsWith(">") && id.length() >= 2) {
            id = id.substring(1, id.length() - 1);
        }
        return id;
    }

    private static String percentDecoded(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = c == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (low >= 0) {
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
