package org.smtpmonitor.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines a person types or pipes in, as bytes: each line without its LF (and a CR
 * before it), so what is typed is sent exactly, whatever the platform's charset.
 * A last line without LF still counts. Not thread-safe.
 */
final class InputLines {

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private boolean ended;

    InputLines(InputStream in) {
        this.in = in;
    }

    /** The next line, or {@code null} at end of input. */
    byte[] next() throws IOException {
        byte[] line = new byte[0];
        boolean any = false;
        while (true) {
            if (position == limit) {
                int n = ended ? -1 : in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    ended = true;
                    return any ? stripCr(line) : null;
                }
                position = 0;
                limit = n;
            }
            any = true;
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int old = line.length;
            line = Arrays.copyOf(line, old + end - position);
            System.arraycopy(buffer, position, line, old, end - position);
            if (end < limit) {
                position = end + 1;
                return stripCr(line);
            }
            position = limit;
        }
    }

    private static byte[] stripCr(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
    }
}
