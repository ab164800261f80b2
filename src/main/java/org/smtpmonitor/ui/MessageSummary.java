package org.smtpmonitor.ui;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.smtpmonitor.text.Printable;

/**
 * One row of the mailbox preview: where a message lies in its mailbox file and the
 * headers shown for it. A stretch of a raw mailbox whose message boundaries nobody
 * knows (mail stored before the app started) is one row with {@code known == false}.
 */
record MessageSummary(long offset, long length, String from, String to, String subject, String date,
                      boolean known) {

    /** Header bytes read for the list; a header block past this is cut (the source view shows it all). */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    static MessageSummary unknown(long offset, long length) {
        return new MessageSummary(offset, length, "", "", "(earlier mail: message boundaries unknown)", "", false);
    }

    /**
     * The summary of the message whose first {@code length} header bytes are in
     * {@code header} (a leading mbox {@code From } line is skipped: it has no colon).
     */
    static MessageSummary parse(long offset, long messageLength, byte[] header, int length) {
        String from = "";
        String to = "";
        String subject = "";
        String date = "";
        // Only the header block is decoded: the bytes may go on into the body.
        String text = new String(header, 0, headerEnd(header, length), StandardCharsets.UTF_8);
        StringBuilder field = null;
        int start = 0;
        while (true) {
            int newline = start <= text.length() ? text.indexOf('\n', start) : -1;
            String line;
            if (newline < 0) {
                line = start < text.length() ? text.substring(start) : "";
                start = text.length() + 1;
            } else {
                line = text.substring(start, newline > start && text.charAt(newline - 1) == '\r' ? newline - 1 : newline);
                start = newline + 1;
            }
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (continuation && field != null) {
                field.append(' ').append(line.strip());
                continue;
            }
            if (field != null) {
                int colon = field.indexOf(":");
                String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                // Shown in a table cell: a sender's controls and bidi overrides are shown, not obeyed.
                String value = Printable.escape(EncodedWords.decode(field.substring(colon + 1).strip()));
                switch (name) {
                    case "from" -> from = from.isEmpty() ? value : from;
                    case "to" -> to = to.isEmpty() ? value : to;
                    case "subject" -> subject = subject.isEmpty() ? value : subject;
                    case "date" -> date = date.isEmpty() ? value : date;
                    default -> { }
                }
                field = null;
            }
            if (line.isEmpty()) {
                break; // the blank line that ends the header block (or the end of the bytes)
            }
            if (line.indexOf(':') > 0 && !continuation) {
                field = new StringBuilder(line);
            }
        }
        return new MessageSummary(offset, messageLength, from, to, subject, date, true);
    }

    /** Where the blank line that ends the header block begins, or {@code length} if it is not there. */
    static int headerEnd(byte[] bytes, int length) {
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
}
