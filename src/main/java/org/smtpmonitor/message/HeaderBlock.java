package org.smtpmonitor.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads the header block at the start of a message's bytes (RFC 5322 section 2.2): fields up
 * to the first blank line, continuation lines folded into the field before them. It works on
 * bytes, field by field, so that one field's 8-bit bytes cannot garble another, and a line that
 * is not a field (an mbox {@code From } line, junk) is skipped rather than fatal.
 */
public final class HeaderBlock {

    private HeaderBlock() {
    }

    /** Where the blank line that ends the header block begins, or {@code length} if it is not there. */
    public static int end(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n' && i + 1 < length) {
                byte next = bytes[i + 1];
                if (next == '\n' || next == '\r' && i + 2 < length && bytes[i + 2] == '\n') {
                    return i + 1;
                }
            }
        }
        return length;
    }

    /** Every field of the header block in the first {@code length} bytes, in order. */
    public static List<HeaderField> fields(byte[] bytes, int length) {
        return fields(bytes, length, name -> true, new ArrayList<>());
    }

    /**
     * The fields whose (lower-case) names {@code wanted} accepts, in order; only those are decoded.
     * A note for each field whose 8-bit bytes are not UTF-8 goes to {@code problems}.
     */
    static List<HeaderField> fields(byte[] bytes, int length, Predicate<String> wanted, List<String> problems) {
        List<HeaderField> fields = new ArrayList<>();
        if (!startsWithHeaderBlock(bytes, length)) {
            return fields;
        }
        int end = end(bytes, length);
        int fieldStart = -1;
        int colon = -1;
        int fieldEnd = -1;
        int position = 0;
        while (position < end) {
            int lineEnd = position;
            while (lineEnd < end && bytes[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd > position && bytes[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == position) {
                break; // the blank line that ends the header block
            }
            boolean continuation = bytes[position] == ' ' || bytes[position] == '\t';
            if (continuation && fieldStart >= 0) {
                fieldEnd = contentEnd;
            } else {
                if (fieldStart >= 0) {
                    add(fields, bytes, fieldStart, colon, fieldEnd, wanted, problems);
                    fieldStart = -1;
                }
                int nameEnd = nameEnd(bytes, position, contentEnd);
                if (nameEnd > position) {
                    fieldStart = position;
                    colon = nameEnd;
                    fieldEnd = contentEnd;
                }
            }
            position = lineEnd + 1;
        }
        if (fieldStart >= 0) {
            add(fields, bytes, fieldStart, colon, fieldEnd, wanted, problems);
        }
        return fields;
    }

    /**
     * True unless the first line is neither a header field, nor the blank line of an empty header
     * block, nor an mbox {@code From } line: then the message was written without a header block
     * (or its first field is past all reason), and all of it is body.
     */
    public static boolean startsWithHeaderBlock(byte[] bytes, int length) {
        int end = 0;
        while (end < length && bytes[end] != '\n') {
            end++;
        }
        boolean blank = end == 0 || end == 1 && bytes[0] == '\r';
        boolean fromLine = end >= 5 && bytes[0] == 'F' && bytes[1] == 'r' && bytes[2] == 'o' && bytes[3] == 'm'
                && bytes[4] == ' ';
        return blank || fromLine || nameEnd(bytes, 0, end) > 0;
    }

    /**
     * Where the colon after the field name of the line is, or -1 if the line does not start with
     * a field name: printable ASCII but the colon (RFC 5322 section 3.6.8), with white space
     * before the colon allowed as the obsolete syntax does.
     */
    private static int nameEnd(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && bytes[i] > ' ' && bytes[i] < 127 && bytes[i] != ':') {
            i++;
        }
        if (i == from) {
            return -1;
        }
        while (i < to && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        return i < to && bytes[i] == ':' ? i : -1;
    }

    private static void add(List<HeaderField> fields, byte[] bytes, int start, int colon, int end,
                            Predicate<String> wanted, List<String> problems) {
        String name = new String(bytes, start, colon - start, StandardCharsets.US_ASCII).strip();
        if (!wanted.test(name.toLowerCase(Locale.ROOT))) {
            return;
        }
        String rawValue = TextDecoder.decode(bytes, colon + 1, end, null);
        if (TextDecoder.guessesLegacy(bytes, colon + 1, end)) {
            problems.add("header " + name + ": 8-bit bytes that are not UTF-8, read as windows-1252");
        }
        fields.add(new HeaderField(name, EncodedWords.decode(unfold(rawValue)), rawValue));
    }

    /** The value on one line: each folded line stripped and joined to the next by one space. */
    static String unfold(String value) {
        if (value.indexOf('\n') < 0) {
            return value.strip();
        }
        StringBuilder unfolded = new StringBuilder(value.length());
        for (String line : value.split("\r?\n", -1)) {
            unfolded.append(line.strip()).append(' ');
        }
        return unfolded.toString().strip();
    }
}
