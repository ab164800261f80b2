package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the messages of an mbox file by streaming through it once: a message starts at
 * a line beginning {@code From } that follows a blank line (or starts the file). Only the
 * header block of each message is kept, so a 100 MB mailbox costs a few megabytes.
 */
final class MboxScanner {

    private static final byte[] FROM_ = {'F', 'r', 'o', 'm', ' '};
    private static final int BUFFER = 256 * 1024;

    private final byte[] header = new byte[MessageSummary.MAX_HEADER_BYTES];
    private final List<MessageSummary> found = new ArrayList<>();
    private long regionStart;
    private long messageStart = -1;
    private MessageSummary headers;
    private int headerLength;
    private boolean inHeader;
    private boolean onFromLine;

    private MboxScanner() {
    }

    /**
     * The messages in bytes {@code from} to {@code to} of {@code channel}; {@code from} must
     * be the start of the file or of a {@code From } line. Bytes before the first
     * {@code From } line become one row whose boundaries are unknown.
     */
    static List<MessageSummary> scan(FileChannel channel, long from, long to) throws IOException {
        MboxScanner scanner = new MboxScanner();
        scanner.run(channel, from, to);
        return scanner.found;
    }

    private void run(FileChannel channel, long from, long to) throws IOException {
        regionStart = from;
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        byte[] bytes = buffer.array();
        long position = from;
        boolean previousBlank = true;
        int fromMatch = 0; // bytes of "From " matched at the start of this line; -1 for no match
        int lineLength = 0;
        boolean lastWasCr = false;
        long lineStart = from;
        while (position < to) {
            buffer.clear();
            buffer.limit((int) Math.min(BUFFER, to - position));
            int read = channel.read(buffer, position);
            if (read <= 0) {
                break;
            }
            for (int i = 0; i < read; i++) {
                byte b = bytes[i];
                long at = position + i;
                if (fromMatch >= 0 && fromMatch < FROM_.length) {
                    fromMatch = b == FROM_[fromMatch] ? fromMatch + 1 : -1;
                    if (fromMatch == FROM_.length) {
                        startMessage(lineStart);
                    }
                }
                if (inHeader && !onFromLine && headerLength < header.length) {
                    header[headerLength++] = b;
                }
                if (b == '\n') {
                    boolean blank = lineLength == 0 || lineLength == 1 && lastWasCr;
                    if (onFromLine) {
                        onFromLine = false;
                    } else if (inHeader && blank) {
                        endHeader();
                    }
                    previousBlank = blank;
                    fromMatch = previousBlank ? 0 : -1;
                    lineLength = 0;
                    lineStart = at + 1;
                } else {
                    lineLength++;
                    lastWasCr = b == '\r';
                }
            }
            position += read;
        }
        finish(to);
    }

    private void startMessage(long at) {
        finish(at);
        messageStart = at;
        inHeader = true;
        onFromLine = true;
        headerLength = 0;
        headers = null;
    }

    private void endHeader() {
        inHeader = false;
        headers = MessageSummary.parse(messageStart, 0, header, headerLength);
    }

    /** Closes the message (or the unknown stretch) that runs up to {@code end}. */
    private void finish(long end) {
        if (messageStart < 0) {
            if (end > regionStart) {
                found.add(MessageSummary.unknown(regionStart, end - regionStart));
            }
            return;
        }
        if (inHeader) {
            endHeader();
        }
        MessageSummary h = headers;
        found.add(new MessageSummary(messageStart, end - messageStart, h.from(), h.to(), h.subject(), h.date(), true));
        messageStart = -1;
        regionStart = end;
    }
}
