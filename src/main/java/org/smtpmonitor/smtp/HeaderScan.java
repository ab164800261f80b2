package org.smtpmonitor.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds which of the header fields every message should have (RFC 5322 3.6: {@code Date}
 * and {@code From} are required, {@code Message-ID} SHOULD be there, 3.6.4) a message's
 * header section lacks. It runs on the server's event loop for every message, so it reads
 * only the field names at the starts of the header lines, up to the first empty line (or a
 * line that is no header field), and never past {@link #LIMIT} bytes: no MIME parsing, no
 * copies, no text decoding.
 */
public final class HeaderScan {

    /** The most bytes of a message read for its header section; a longer one is not judged. */
    public static final int LIMIT = 64 * 1024;

    private static final byte[][] NAMES = {ascii("date"), ascii("from"), ascii("message-id")};
    private static final String[] SHOWN = {"Date", "From", "Message-ID"};
    /** Every bit of {@link #NAMES} found. */
    private static final int ALL = (1 << NAMES.length) - 1;

    private HeaderScan() {
    }

    /**
     * The names among {@code Date}, {@code From} and {@code Message-ID} (in that order) that
     * no field of the header section of the first {@code length} bytes of {@code data} has.
     * Empty when it has all three, and when the header section goes on past {@link #LIMIT}
     * bytes (what is not read is not called missing). A continuation line (starting with a
     * space or tab) belongs to the field above it, so a name inside one does not count.
     */
    public static List<String> missing(byte[] data, int length) {
        int limit = Math.min(length, LIMIT);
        int found = 0;
        int i = 0;
        while (i < limit) {
            byte first = data[i];
            if (first == '\r' || first == '\n') {
                break; // the empty line that ends the header section
            }
            if (first != ' ' && first != '\t') {
                int nameEnd = fieldNameEnd(data, i, limit);
                if (nameEnd < 0) {
                    break; // not a header field: the body has begun (or there was no header)
                }
                found |= match(data, i, nameEnd);
                if (found == ALL) {
                    return List.of(); // the usual case: no need to read further
                }
                i = nameEnd;
            }
            while (i < limit && data[i] != '\n') {
                i++;
            }
            i++;
        }
        if (i >= limit && limit < length) {
            return List.of(); // the header section goes on past the limit: not judged
        }
        List<String> missing = new ArrayList<>(NAMES.length);
        for (int n = 0; n < NAMES.length; n++) {
            if ((found & 1 << n) == 0) {
                missing.add(SHOWN[n]);
            }
        }
        return missing;
    }

    /**
     * Where the field name that starts at {@code start} ends (RFC 5322 3.6.8: printable ASCII
     * but the colon, then the colon; spaces or tabs before it allowed, as 4.5 of the obsolete
     * syntax has it); -1 when the line is not a header field.
     */
    private static int fieldNameEnd(byte[] data, int start, int limit) {
        int i = start;
        while (i < limit && data[i] > ' ' && data[i] < 0x7f && data[i] != ':') {
            i++;
        }
        int nameEnd = i;
        while (i < limit && (data[i] == ' ' || data[i] == '\t')) {
            i++;
        }
        return nameEnd > start && i < limit && data[i] == ':' ? nameEnd : -1;
    }

    /** The bit of the name among {@link #NAMES} that the field name from {@code start} to {@code end} is; 0 for none. */
    private static int match(byte[] data, int start, int end) {
        for (int n = 0; n < NAMES.length; n++) {
            byte[] name = NAMES[n];
            if (end - start == name.length && equalsIgnoreCase(data, start, name)) {
                return 1 << n;
            }
        }
        return 0;
    }

    /** ASCII letters compared without case ({@code name} is lower case). */
    private static boolean equalsIgnoreCase(byte[] data, int start, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            byte b = data[start + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
