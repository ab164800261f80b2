package org.smtpmonitor.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads SMTP's two kinds of input from a client's byte stream, with bounded memory:
 * command lines (ending at LF, a CR before it optional) and message data (ending only at
 * CRLF.CRLF, RFC 5321 4.1.1.4, with the transparency dot of 4.5.2 removed).
 *
 * <p>Message bytes are never decoded: what is stored is exactly what was sent, less the
 * stuffed dots. Not thread-safe.
 */
final class SmtpInput {

    /** What {@link #readCommandLine()} returns for a line longer than the limit. */
    static final String TOO_LONG = new String("<line too long>");

    private final InputStream in;
    private final int maxLineLength;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean discardingLine;
    /**
     * Message bytes are collected here, and the array is reused for the next message, so
     * a busy connection does not allocate (and the collector reclaim) a buffer per message.
     */
    private byte[] messageBuffer = new byte[8192];
    /** A larger buffer is not kept between messages: an idle session should not hold megabytes. */
    private static final int KEPT_BUFFER = 1024 * 1024;

    /**
     * @param maxLineLength the most bytes a command line may have, its line ending included
     */
    SmtpInput(InputStream in, int maxLineLength, int bufferSize) {
        this.in = in;
        this.maxLineLength = maxLineLength;
        this.buffer = new byte[Math.max(bufferSize, maxLineLength)];
    }

    /** True when bytes already read from the client wait in the buffer (pipelined input). */
    boolean hasBufferedInput() {
        return position < limit;
    }

    /**
     * The next command line without its line ending, decoded as ISO-8859-1 (so every
     * byte maps to one char and nothing is lost); {@link #TOO_LONG} as soon as the line
     * passes the limit, its rest then skipped; {@code null} at end of stream.
     */
    String readCommandLine() throws IOException {
        if (discardingLine && !skipRestOfLine()) {
            return null;
        }
        int start = position;
        int scanned = position;
        while (true) {
            for (int i = scanned; i < limit; i++) {
                if (buffer[i] == '\n') {
                    position = i + 1;
                    // A whole long line can arrive in one read: the limit holds all the same.
                    if (i + 1 - start > maxLineLength) {
                        return TOO_LONG;
                    }
                    int end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    return new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
                }
            }
            int length = limit - start;
            // The line with its LF would have more than maxLineLength bytes.
            if (length >= maxLineLength) {
                position = limit;
                discardingLine = true;
                return TOO_LONG;
            }
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, length);
                limit = length;
                position = 0;
                start = 0;
            }
            scanned = limit;
            if (!fill()) {
                // A last line without LF at end of stream is not a command: the client left.
                return null;
            }
        }
    }

    private boolean skipRestOfLine() throws IOException {
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    position = i + 1;
                    discardingLine = false;
                    return true;
                }
            }
            position = limit;
            if (!fill()) {
                return false;
            }
        }
    }

    /** Reads more bytes after {@code limit}, compacting an empty buffer first. */
    private boolean fill() throws IOException {
        if (position == limit) {
            position = 0;
            limit = 0;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n <= 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /**
     * Reads message data up to and including the terminating {@code .} line. The bytes
     * of the message returned are valid until the next call.
     *
     * @throws EOFException when the client goes away before the end of the data
     */
    Message readMessage(long maxSize) throws IOException {
        MessageBuilder message = new MessageBuilder(maxSize, messageBuffer);
        // State of the byte scanner. A line starts only after CRLF (or at the start):
        // after a bare LF a "." is content, which is what keeps SMTP smuggling out.
        int state = LINE_START;
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("the client closed the connection during DATA");
            }
            byte[] b = buffer;
            int i = position;
            int end = limit;
            while (i < end) {
                switch (state) {
                    case IN_LINE: {
                        // Fast path: copy everything up to the next CR in one go.
                        int from = i;
                        while (i < end && b[i] != '\r') {
                            i++;
                        }
                        message.append(b, from, i - from);
                        if (i < end) {
                            message.append((byte) '\r');
                            i++;
                            state = CR;
                        }
                        break;
                    }
                    case CR: {
                        byte c = b[i++];
                        message.append(c);
                        if (c == '\n') {
                            message.lines++;
                            state = LINE_START;
                        } else if (c != '\r') {
                            state = IN_LINE;
                        }
                        break;
                    }
                    case LINE_START: {
                        if (b[i] == '.') {
                            i++;
                            state = DOT;
                        } else {
                            state = IN_LINE;
                        }
                        break;
                    }
                    case DOT: {
                        // The dot at the start of a line is transparency, never content.
                        if (b[i] == '\r') {
                            i++;
                            state = DOT_CR;
                        } else {
                            state = IN_LINE;
                        }
                        break;
                    }
                    case DOT_CR: {
                        if (b[i] == '\n') {
                            position = i + 1;
                            Message result = message.build();
                            if (message.data.length <= KEPT_BUFFER) {
                                messageBuffer = message.data;
                            }
                            return result;
                        }
                        // ".\r" then something else: the CR is content.
                        message.append((byte) '\r');
                        state = CR;
                        break;
                    }
                    default:
                        throw new IllegalStateException("state " + state);
                }
            }
            position = i;
        }
    }

    private static final int LINE_START = 0;
    private static final int IN_LINE = 1;
    private static final int CR = 2;
    private static final int DOT = 3;
    private static final int DOT_CR = 4;

    /**
     * A received message: {@code length} bytes of {@code data}, or, when it went past the
     * size limit, {@code tooLarge} with the bytes counted but not kept.
     */
    record Message(byte[] data, int length, long size, long lines, boolean tooLarge) {
    }

    /** Collects message bytes up to the size limit; past it, only counts them. */
    private static final class MessageBuilder {
        private final long maxSize;
        private byte[] data;
        private int length;
        private long size;
        long lines;

        MessageBuilder(long maxSize, byte[] buffer) {
            this.maxSize = maxSize;
            this.data = buffer;
        }

        void append(byte b) {
            size++;
            if (size <= maxSize) {
                ensure(1);
                data[length++] = b;
            }
        }

        void append(byte[] source, int from, int count) {
            if (count == 0) {
                return;
            }
            long before = size;
            size += count;
            if (size <= maxSize) {
                ensure(count);
                System.arraycopy(source, from, data, length, count);
                length += count;
            } else if (before < maxSize) {
                length = 0; // it will be thrown away
            }
        }

        private void ensure(int extra) {
            if (length + extra > data.length) {
                long wanted = Math.max((long) data.length * 2, (long) length + extra);
                data = Arrays.copyOf(data, (int) Math.min(wanted, maxSize));
            }
        }

        Message build() {
            boolean tooLarge = size > maxSize;
            return new Message(tooLarge ? new byte[0] : data, tooLarge ? 0 : length, size, lines, tooLarge);
        }
    }
}
