package org.smtpmonitor.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.smtpmonitor.smtp.ClientCheck;
import org.smtpmonitor.smtp.DataFindings;

/**
 * Splits a client's bytes into SMTP's two kinds of input, as they arrive, with bounded
 * memory: command lines (ending at LF, a CR before it optional) and message data (ending
 * only at CRLF.CRLF, RFC 5321 4.1.1.4, with the transparency dot of 4.5.2 removed).
 *
 * <p>Bytes go in through {@link #space()}/{@link #filled(int)}; whatever is complete comes
 * out of {@link #nextCommand()} or {@link #nextMessage()}, which return null until it is.
 * Message bytes are never decoded: what is stored is exactly what was sent, less the
 * stuffed dots. The message buffer is reserved in a {@link MemoryBudget} before it is
 * allocated; a message that cannot get memory is read to its end all the same, but not
 * kept. While it scans the data for its end, it notes what a client's check wants to know
 * ({@link DataFindings}: bare CR, bare LF, 8-bit bytes, over-long lines) as flags, at no
 * cost of memory and with no second pass. Not thread-safe.
 */
final class SmtpDecoder {

    private static final int LINE_START = 0;
    private static final int IN_LINE = 1;
    private static final int CR = 2;
    private static final int DOT = 3;
    private static final int DOT_CR = 4;
    /**
     * A larger message buffer is not kept between messages: an idle session should not hold
     * the memory budget's megabytes, which a message under way may need.
     */
    private static final int KEPT_BUFFER = 64 * 1024;
    /** The first size of the message buffer, which then doubles as the message grows. */
    private static final int FIRST_BUFFER = 8192;
    private static final byte[] NO_BYTES = new byte[0];

    private final int maxLineLength;
    private final MemoryBudget budget;
    private final byte[] buffer;
    private final ByteBuffer space;
    private int position;
    private int limit;

    // Command state: how far the current line has been searched for its LF.
    private int scanned;
    private boolean discardingLine;

    // Message state, between startMessage() and the end of the data.
    private boolean inMessage;
    private int state;
    private long maxSize;
    private long size;
    private long lines;
    private int length;
    /** The budget refused memory for this message: its bytes are counted, not kept. */
    private boolean noMemory;
    // What the client check wants to know about this message (see DataFindings).
    private boolean bareCr;
    private boolean bareLf;
    private boolean eightBit;
    private boolean longLine;
    /** The message's size where its current line began: a line's length is counted, never its bytes kept. */
    private long lineStart;
    /**
     * Collects message bytes; reused for the next message, so a busy connection does not
     * allocate one per message. Its whole length is reserved in the budget.
     */
    private byte[] message = NO_BYTES;

    /**
     * @param maxLineLength the most bytes a command line may have, its line ending included
     * @param budget        where the message buffer's memory is reserved
     */
    SmtpDecoder(int maxLineLength, int bufferSize, MemoryBudget budget) {
        this.maxLineLength = maxLineLength;
        this.budget = budget;
        this.buffer = new byte[Math.max(bufferSize, maxLineLength + 1)];
        this.space = ByteBuffer.wrap(buffer);
    }

    /** Where to read the next bytes to: call {@link #filled(int)} after. Never empty. */
    ByteBuffer space() {
        compact();
        space.limit(buffer.length).position(limit);
        return space;
    }

    /** {@code count} bytes were read into {@link #space()}. */
    void filled(int count) {
        limit += count;
    }

    /** True when bytes wait that no call has taken yet (pipelined input). */
    boolean hasBufferedInput() {
        return position < limit;
    }

    /** True when {@link #space()} has room for at least one more byte. */
    boolean hasSpace() {
        return position > 0 || limit < buffer.length;
    }

    boolean inMessage() {
        return inMessage;
    }

    private void compact() {
        if (position == 0) {
            return;
        }
        int remaining = limit - position;
        System.arraycopy(buffer, position, buffer, 0, remaining);
        scanned -= position;
        position = 0;
        limit = remaining;
    }

    /**
     * The next command line: its {@link CommandLine.Text} once the whole line has arrived;
     * {@link CommandLine#TOO_LONG} as soon as it passes the limit, its rest then skipped;
     * null when no whole line has arrived yet.
     */
    CommandLine nextCommand() {
        if (inMessage) {
            throw new IllegalStateException("message data is expected");
        }
        if (discardingLine && !skipRestOfLine()) {
            return null;
        }
        if (scanned < position) {
            scanned = position;
        }
        for (int i = scanned; i < limit; i++) {
            if (buffer[i] == '\n') {
                int start = position;
                position = i + 1;
                scanned = position;
                // A whole long line can arrive in one read: the limit holds all the same.
                if (i + 1 - start > maxLineLength) {
                    return CommandLine.TOO_LONG;
                }
                int end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                // UTF-8 (RFC 6531); bytes that are not become U+FFFD, which no command may hold.
                return new CommandLine.Text(new String(buffer, start, end - start, StandardCharsets.UTF_8));
            }
        }
        scanned = limit;
        // With its LF the line would have more than maxLineLength bytes.
        if (limit - position >= maxLineLength) {
            position = limit;
            discardingLine = true;
            return CommandLine.TOO_LONG;
        }
        return null;
    }

    private boolean skipRestOfLine() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                position = i + 1;
                discardingLine = false;
                return true;
            }
        }
        position = limit;
        return false;
    }

    /**
     * Drops every byte that has arrived and not been taken, and answers how many: after
     * STARTTLS, what the client sent in the clear must never be read as sent under TLS.
     */
    int discardInput() {
        int dropped = limit - position;
        position = limit;
        scanned = limit;
        discardingLine = false;
        return dropped;
    }

    /** What follows is message data, up to the line holding only a dot. */
    void startMessage(long maxMessageSize) {
        inMessage = true;
        state = LINE_START;
        maxSize = maxMessageSize;
        size = 0;
        lines = 0;
        length = 0;
        noMemory = false;
        bareCr = false;
        bareLf = false;
        eightBit = false;
        longLine = false;
        lineStart = 0;
    }

    /**
     * The message, once its end has arrived; null until then. Its bytes are valid until
     * {@link #messageHandled()}.
     */
    Message nextMessage() {
        if (!inMessage) {
            throw new IllegalStateException("no message was started");
        }
        byte[] b = buffer;
        int i = position;
        int end = limit;
        // A line starts only after CRLF (or at the start): after a bare LF a "." is
        // content, which is what keeps SMTP smuggling out.
        while (i < end) {
            switch (state) {
                case IN_LINE -> {
                    // Fast path: copy everything up to the next CR (or bare LF) in one go.
                    // Bytes are signed, so one comparison finds CR, LF and 8-bit bytes alike
                    // (and the few controls below CR): plain text costs no more than before.
                    int from = i;
                    byte c = 0;
                    while (i < end) {
                        c = b[i];
                        if (c <= '\r') {
                            if (c == '\r' || c == '\n') {
                                break;
                            }
                            if (c < 0) {
                                eightBit = true;
                            }
                        }
                        i++;
                    }
                    append(b, from, i - from);
                    if (i < end) {
                        append(b, i++, 1);
                        if (c == '\r') {
                            state = CR;
                        } else {
                            // Content, not a line end (RFC 5321 4.1.1.4), but the line is counted as ended.
                            bareLf = true;
                            lineEnded(1);
                        }
                    }
                }
                case CR -> {
                    byte c = b[i];
                    append(b, i++, 1);
                    if (c == '\n') {
                        lines++;
                        lineEnded(2);
                        state = LINE_START;
                    } else {
                        // The CR before this byte had no LF after it.
                        bareCr = true;
                        if (c != '\r') {
                            eightBit |= c < 0;
                            state = IN_LINE;
                        }
                    }
                }
                case LINE_START -> {
                    if (b[i] == '.') {
                        i++;
                        state = DOT;
                    } else {
                        state = IN_LINE;
                    }
                }
                case DOT -> {
                    // The dot at the start of a line is transparency, never content.
                    if (b[i] == '\r') {
                        i++;
                        state = DOT_CR;
                    } else {
                        state = IN_LINE;
                    }
                }
                case DOT_CR -> {
                    if (b[i] == '\n') {
                        position = i + 1;
                        scanned = position;
                        return finish();
                    }
                    // ".\r" then something else: the CR is content.
                    append(CR_BYTE, 0, 1);
                    state = CR;
                }
                default -> throw new IllegalStateException("state " + state);
            }
        }
        position = i;
        scanned = i;
        return null;
    }

    private static final byte[] CR_BYTE = {'\r'};

    /** A line ended with its {@code ending} (CRLF or a bare LF) appended last: was it too long? */
    private void lineEnded(int ending) {
        if (size - lineStart - ending > ClientCheck.MAX_LINE_LENGTH) {
            longLine = true;
        }
        lineStart = size;
    }

    private void append(byte[] source, int from, int count) {
        if (count == 0) {
            return;
        }
        size += count;
        if (size > maxSize) {
            // It will be thrown away: the memory is better spent on other messages.
            dropBuffer();
            return;
        }
        if (noMemory || (length + count > message.length && !grow(length + count))) {
            return;
        }
        System.arraycopy(source, from, message, length, count);
        length += count;
    }

    /**
     * Makes the buffer hold at least {@code needed} bytes, reserving the new buffer before it
     * is allocated; false, with the buffer given up, when the budget has no room for it.
     */
    private boolean grow(long needed) {
        int bigger = nextCapacity(message.length, needed, maxSize);
        // The old buffer stays reserved until its bytes are copied.
        if (!budget.reserveOrGiveUp(bigger, message.length)) {
            message = NO_BYTES;
            length = 0;
            noMemory = true;
            return false;
        }
        byte[] old = message;
        message = Arrays.copyOf(old, bigger);
        budget.release(old.length);
        return true;
    }

    private static int nextCapacity(long capacity, long needed, long maxSize) {
        return (int) Math.min(Math.max(Math.max(capacity * 2, needed), FIRST_BUFFER), maxSize);
    }

    /**
     * The most memory one message of {@code maxSize} bytes takes while it is received: at its
     * last growth both the old buffer and the new one are held.
     */
    static long peakMemory(long maxSize) {
        long peak = 0;
        long capacity = 0;
        while (capacity < maxSize) {
            long next = nextCapacity(capacity, capacity + 1, maxSize);
            peak = Math.max(peak, capacity + next);
            capacity = next;
        }
        return peak;
    }

    /** The most memory a session keeps between messages of at most {@code maxSize} bytes. */
    static long keptMemory(long maxSize) {
        return Math.min(KEPT_BUFFER, maxSize);
    }

    private Message finish() {
        inMessage = false;
        Message.Status status = size > maxSize ? Message.Status.TOO_LARGE
                : noMemory ? Message.Status.NO_MEMORY : Message.Status.RECEIVED;
        boolean kept = status == Message.Status.RECEIVED;
        return new Message(kept ? message : NO_BYTES, kept ? length : 0, size, lines, status,
                DataFindings.of(bareCr, bareLf, eightBit, longLine));
    }

    /**
     * The last message's bytes are no longer needed (the store has them, or the message was
     * refused): a large buffer goes back to the budget, so that an idle session holds little.
     */
    void messageHandled() {
        if (message.length > KEPT_BUFFER) {
            dropBuffer();
        }
    }

    /** The connection has ended: all the memory goes back to the budget. */
    void free() {
        dropBuffer();
    }

    private void dropBuffer() {
        budget.release(message.length);
        message = NO_BYTES;
        length = 0;
    }

    /**
     * A received message: {@code length} bytes of {@code data} when it was
     * {@link Status#RECEIVED}; otherwise its bytes were counted but not kept. {@code findings}
     * are what the scan noticed, kept or not.
     */
    record Message(byte[] data, int length, long size, long lines, Status status, DataFindings findings) {

        enum Status {
            /** Whole, in {@code data}. */
            RECEIVED,
            /** Past the size limit. */
            TOO_LARGE,
            /** The memory budget had no room for it. */
            NO_MEMORY
        }

        boolean tooLarge() {
            return status == Status.TOO_LARGE;
        }
    }
}
