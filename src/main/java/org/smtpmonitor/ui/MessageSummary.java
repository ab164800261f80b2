package org.smtpmonitor.ui;

import org.smtpmonitor.message.HeaderBlock;
import org.smtpmonitor.message.Summary;
import org.smtpmonitor.text.Printable;

/**
 * One row of the mailbox preview: where a message lies in its mailbox file and the
 * headers shown for it. A stretch of a raw mailbox whose message boundaries nobody
 * knows (mail stored before the app started) is one row with {@code known == false}.
 */
record MessageSummary(long offset, long length, String from, String to, String subject, String date,
                      boolean known) {

    /** Header bytes read for the list; a header block past this is cut (the source view shows it all). */
    static final int MAX_HEADER_BYTES = Summary.MAX_HEADER_BYTES;

    static MessageSummary unknown(long offset, long length) {
        return new MessageSummary(offset, length, "", "", "(earlier mail: message boundaries unknown)", "", false);
    }

    /**
     * The row of the message whose first {@code length} header bytes are in {@code header}
     * (a leading mbox {@code From } line is skipped: it is not a header field).
     */
    static MessageSummary parse(long offset, long messageLength, byte[] header, int length) {
        Summary summary = Summary.parse(header, length, messageLength);
        // Shown in a table cell: a sender's controls and bidi overrides are shown, not obeyed.
        return new MessageSummary(offset, messageLength, Printable.escape(summary.from()), Printable.escape(summary.to()),
                Printable.escape(summary.subject()), Printable.escape(summary.date()), true);
    }

    /** Where the blank line that ends the header block begins, or {@code length} if it is not there. */
    static int headerEnd(byte[] bytes, int length) {
        return HeaderBlock.end(bytes, length);
    }
}
