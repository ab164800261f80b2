package org.smtpmonitor.smtp;

/**
 * What the receiving side noticed in a message's bytes as it read them, for
 * {@link SmtpSession#checkMessage}: a CR not followed by LF, an LF without its CR, a byte
 * over 127, a line over {@link ClientCheck#MAX_LINE_LENGTH} bytes. Noticing is the reader's
 * job because it scans every byte anyway, to find the end of the data; the session has no
 * second pass to make.
 */
public record DataFindings(boolean bareCr, boolean bareLf, boolean eightBit, boolean longLine) {

    /** Nothing noticed: a well-formed 7-bit message. */
    public static final DataFindings NONE = new DataFindings(false, false, false, false);

    /** These findings; {@link #NONE} when there are none, so a clean message costs no object. */
    public static DataFindings of(boolean bareCr, boolean bareLf, boolean eightBit, boolean longLine) {
        return bareCr || bareLf || eightBit || longLine ? new DataFindings(bareCr, bareLf, eightBit, longLine) : NONE;
    }
}
