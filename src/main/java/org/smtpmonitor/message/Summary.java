package org.smtpmonitor.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a list of messages shows of one: the summary headers, RFC 2047-decoded (empty when a
 * header is missing), and the message's size in bytes as stored. Values are not escaped for
 * display; a viewer escapes them (see {@code text.Printable}).
 */
public record Summary(String from, String to, String cc, String subject, String date, String messageId, long size) {

    /** Header bytes read for a summary; a header block longer than this is cut (it is never that long in practice). */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final Set<String> NAMES = Set.of("from", "to", "cc", "subject", "date", "message-id");

    /**
     * The summary of a message of {@code size} bytes whose first {@code length} bytes are in
     * {@code header}. The bytes may go on into the body, or stop inside the header block; a
     * leading mbox {@code From } line is skipped, as any line that is not a header field.
     */
    public static Summary parse(byte[] header, int length, long size) {
        return of(HeaderBlock.fields(header, length, NAMES::contains, new ArrayList<>()), size);
    }

    /** The summary of a message with these header fields; the first of each name counts. */
    public static Summary of(List<HeaderField> headers, long size) {
        return new Summary(first(headers, "from"), first(headers, "to"), first(headers, "cc"),
                first(headers, "subject"), first(headers, "date"), first(headers, "message-id"), size);
    }

    private static String first(List<HeaderField> headers, String name) {
        for (HeaderField field : headers) {
            if (field.hasName(name)) {
                return field.value();
            }
        }
        return "";
    }
}
