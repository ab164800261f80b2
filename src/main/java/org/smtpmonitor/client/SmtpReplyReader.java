package org.smtpmonitor.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.smtpmonitor.text.Printable;

/**
 * Reads whole replies from a server's byte stream: the lines of a multi-line reply
 * ({@code 250-...}) up to its last line ({@code 250 ...}), checked against the grammar of
 * RFC 5321 4.2. Buffers its input, so several pipelined replies cost one read.
 * Not thread-safe.
 */
public final class SmtpReplyReader {

    /** Far above RFC 5321's 512 (4.5.3.1.5), so only a broken server reaches it. */
    static final int MAX_LINE_LENGTH = 8192;
    /** A bound on memory for a server that never ends its reply. */
    static final int MAX_LINES = 1000;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];

    public SmtpReplyReader(InputStream in) {
        this.in = in;
    }

    /** True when bytes of a further reply are already here (the server pipelined or rushed). */
    public boolean hasBufferedInput() {
        return position < limit;
    }

    /**
     * The next whole reply.
     *
     * @throws EOFException           when the server closes the connection before or within the reply
     * @throws SmtpProtocolException  when what came is not a reply; the message quotes it
     */
    public SmtpReply read() throws IOException {
        List<String> lines = new ArrayList<>(1);
        int code = 0;
        while (true) {
            String text = readLine(lines.isEmpty());
            int lineCode = codeOf(text);
            if (code != 0 && lineCode != code) {
                throw new SmtpProtocolException("malformed reply from the server: line '" + quote(text)
                        + "' changes the code of a multi-line reply from " + code);
            }
            code = lineCode;
            lines.add(text);
            if (text.length() == 3 || text.charAt(3) == ' ') {
                return new SmtpReply(code, lines);
            }
            if (lines.size() == MAX_LINES) {
                throw new SmtpProtocolException("malformed reply from the server: a multi-line reply of more than "
                        + MAX_LINES + " lines");
            }
        }
    }

    /** The code of one reply line: {@code Reply-code [ SP / "-" textstring ]} (RFC 5321 4.2). */
    private static int codeOf(String text) throws SmtpProtocolException {
        boolean valid = text.length() >= 3
                && text.charAt(0) >= '2' && text.charAt(0) <= '5'
                && text.charAt(1) >= '0' && text.charAt(1) <= '5'
                && text.charAt(2) >= '0' && text.charAt(2) <= '9'
                && (text.length() == 3 || text.charAt(3) == ' ' || text.charAt(3) == '-');
        if (!valid) {
            throw new SmtpProtocolException("malformed reply from the server: '" + quote(text)
                    + "' does not start with a reply code (three digits, 200 to 559, then a space or '-')");
        }
        return (text.charAt(0) - '0') * 100 + (text.charAt(1) - '0') * 10 + (text.charAt(2) - '0');
    }

    /** One line without its LF (and a CR before it), decoded as UTF-8. */
    private String readLine(boolean firstOfReply) throws IOException {
        int length = 0;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    if (firstOfReply && length == 0) {
                        throw new EOFException("the server closed the connection");
                    }
                    throw new EOFException("the server closed the connection in the middle of a reply");
                }
                position = 0;
                limit = n;
            }
            int start = position;
            int end = start;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int count = end - start;
            if (length + count > MAX_LINE_LENGTH) {
                throw new SmtpProtocolException("malformed reply from the server: a line longer than "
                        + MAX_LINE_LENGTH + " bytes");
            }
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
            }
            System.arraycopy(buffer, start, line, length, count);
            length += count;
            if (end < limit) {
                position = end + 1;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
            position = limit;
        }
    }

    /** A line fit for an error message: at most 80 characters, control characters escaped. */
    private static String quote(String text) {
        return Printable.escape(text.length() > 80 ? text.substring(0, 80) + "..." : text);
    }
}
