package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One message as its {@link MailboxFormat} lays it out in the file, written in pieces: the
 * framed message is never built whole, so a large message does not take its size in memory
 * a second time (nor, through the JDK's temporary direct buffers, a third).
 */
final class FramedMessage {

    /** The most bytes written at once. */
    private static final int PIECE = 256 * 1024;
    private static final byte[] QUOTE = {'>'};
    private static final byte[] NEWLINE = {'\n'};

    private final byte[] fromLine;
    private final byte[] data;
    private final int length;
    private final long size;

    /**
     * @param fromLine the mbox {@code From } line, or null for the data as it is (raw)
     * @param quotes   how many lines get a {@code >}
     */
    FramedMessage(byte[] fromLine, byte[] data, int length, int quotes) {
        this.fromLine = fromLine;
        this.data = data;
        this.length = length;
        this.size = fromLine == null ? length : (long) fromLine.length + length + quotes + closingNewlines();
    }

    /** The bytes written to the file. */
    long size() {
        return size;
    }

    /** Where the pieces go, in order; each must be written whole. */
    interface Output {
        void write(ByteBuffer piece) throws IOException;
    }

    /** Writes the whole message to {@code out}, piece by piece. */
    void writeTo(Output out) throws IOException {
        if (fromLine == null) {
            for (int i = 0; i < length; i += PIECE) {
                out.write(ByteBuffer.wrap(data, i, Math.min(PIECE, length - i)));
            }
            return;
        }
        ByteBuffer piece = ByteBuffer.allocate((int) Math.min(PIECE, size));
        put(piece, fromLine, 0, fromLine.length, out);
        for (int i = 0; i < length; ) {
            int end = MailboxFormat.lineEnd(data, i, length);
            if (MailboxFormat.isFromLine(data, i, length)) {
                put(piece, QUOTE, 0, 1, out);
            }
            put(piece, data, i, end - i, out);
            i = end;
        }
        for (int i = 0; i < closingNewlines(); i++) {
            put(piece, NEWLINE, 0, 1, out);
        }
        piece.flip();
        out.write(piece);
    }

    /** mbox ends a message with a blank line, so the last line needs its newline first. */
    private int closingNewlines() {
        boolean endsWithNewline = length > 0 && data[length - 1] == '\n';
        return endsWithNewline || length == 0 ? 1 : 2;
    }

    /** Adds bytes to {@code piece}, writing it out whenever it is full. */
    private static void put(ByteBuffer piece, byte[] bytes, int from, int count, Output out) throws IOException {
        while (count > 0) {
            int n = Math.min(count, piece.remaining());
            piece.put(bytes, from, n);
            from += n;
            count -= n;
            if (!piece.hasRemaining()) {
                piece.flip();
                out.write(piece);
                piece.clear();
            }
        }
    }
}
