package org.smtpmonitor.mailbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

    /** The bytes to append for one message, or {@code null} for RAW (the data as it is). */
    byte[] frame(String sender, Instant receivedAt, byte[] data, int length) {
        if (this == RAW) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + length / 50 + 128);
        String envelopeSender = sender == null || sender.isEmpty() ? "MAILER-DAEMON" : sender;
        out.writeBytes(("From " + envelopeSender + " " + ASCTIME.format(receivedAt) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        boolean lineStart = true;
        for (int i = 0; i < length; i++) {
            if (lineStart && isFromLine(data, i, length)) {
                out.write('>');
            }
            byte b = data[i];
            out.write(b);
            lineStart = b == '\n';
        }
        if (length > 0 && data[length - 1] != '\n') {
            out.write('\n');
        }
        out.write('\n');
        return out.toByteArray();
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
