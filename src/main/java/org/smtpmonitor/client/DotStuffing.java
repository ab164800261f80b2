package org.smtpmonitor.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The transparency procedure of RFC 5321 4.5.2 for whole messages: a line that starts
 * with {@code .} gets a second one, so no line of the message can end it early.
 *
 * <p>A line starts at the start of the data and after every CRLF, and only there: that is
 * where the server removes a dot, and a {@code .} after a bare LF is content to it.
 */
final class DotStuffing {

    private DotStuffing() {
    }

    /**
     * Writes {@code length} bytes of {@code data} dot-stuffed, and a CRLF after them when
     * they are not empty and do not end with one. The terminating {@code .} line is the
     * caller's.
     */
    static void write(byte[] data, int offset, int length, OutputStream out) throws IOException {
        int end = offset + length;
        if (length == 0) {
            return;
        }
        if (data[offset] == '.') {
            out.write('.');
        }
        int from = offset;
        // i walks the LFs that may start a line: each needs a CR before it and a "." after.
        for (int i = offset + 1; i < end - 1; i++) {
            if (data[i] == '\n' && data[i + 1] == '.' && data[i - 1] == '\r') {
                out.write(data, from, i + 1 - from);
                out.write('.');
                from = i + 1;
            }
        }
        out.write(data, from, end - from);
        if (length < 2 || data[end - 2] != '\r' || data[end - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
    }
}
