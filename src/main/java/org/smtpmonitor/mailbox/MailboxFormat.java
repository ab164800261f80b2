package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/** How messages are laid out in a mailbox file. */
public enum MailboxFormat {

    /** Exactly the bytes the client sent after DATA, one message after another. */
    RAW,

    /**
     * mboxrd: a {@code From sender date} line before each message, {@code >} added before
     * any line of {@code >*From }, and a blank line after, so mail readers can split the
     * file into its messages again.
     */
    MBOX;

    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One message as this format lays it out, to be written in pieces (see {@link FramedMessage}). */
    FramedMessage frame(String sender, Instant receivedAt, byte[] data, int length) {
        if (this == RAW) {
            return new FramedMessage(null, data, length, 0);
        }
        String envelopeSender = sender == null || sender.isEmpty() ? "MAILER-DAEMON" : sender;
        // UTF-8: a sender of an SMTPUTF8 transaction may be (RFC 6531).
        byte[] fromLine = ("From " + envelopeSender + " " + ASCTIME.format(receivedAt) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        int quotes = 0;
        for (int i = 0; i < length; i = lineEnd(data, i, length)) {
            if (isFromLine(data, i, length)) {
                quotes++;
            }
        }
        return new FramedMessage(fromLine, data, length, quotes);
    }

    /**
     * Writes {@code message} (as it was sent) to {@code out} laid out as in a file of this
     * format: for an mbox export of a mailbox of either format.
     */
    public void write(String sender, Instant receivedAt, byte[] message, OutputStream out) throws IOException {
        frame(sender, receivedAt, message, message.length).writeTo(piece -> {
            if (piece.hasArray()) {
                out.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
                piece.position(piece.limit());
            } else {
                byte[] bytes = new byte[piece.remaining()];
                piece.get(bytes);
                out.write(bytes);
            }
        });
    }

    /**
     * The message as it was sent, from the bytes a copy takes in the file: for mbox, without
     * its {@code From } line, the {@code >} that quoting added, and the blank line after it
     * (a message sent without a final line ending keeps the one framing gave it).
     */
    public byte[] unframe(byte[] stored, int length) {
        if (this == RAW) {
            return Arrays.copyOf(stored, length);
        }
        int start = lineEnd(stored, 0, length);
        int end = length > start && stored[length - 1] == '\n' ? length - 1 : length;
        byte[] out = new byte[end - start];
        int position = 0;
        for (int i = start; i < end; ) {
            int lineEnd = Math.min(lineEnd(stored, i, end), end);
            int from = stored[i] == '>' && isFromLine(stored, i, end) ? i + 1 : i;
            System.arraycopy(stored, from, out, position, lineEnd - from);
            position += lineEnd - from;
            i = lineEnd;
        }
        return Arrays.copyOf(out, position);
    }

    /** Where the line starting at {@code i} ends: just after its LF, or at {@code length}. */
    static int lineEnd(byte[] data, int i, int length) {
        while (i < length && data[i] != '\n') {
            i++;
        }
        return i < length ? i + 1 : length;
    }

    /** True when a line of {@code >*From } starts at {@code i}. */
    static boolean isFromLine(byte[] data, int i, int length) {
        int j = i;
        while (j < length && data[j] == '>') {
            j++;
        }
        return j + 5 <= length && data[j] == 'F' && data[j + 1] == 'r' && data[j + 2] == 'o'
                && data[j + 3] == 'm' && data[j + 4] == ' ';
    }
}
