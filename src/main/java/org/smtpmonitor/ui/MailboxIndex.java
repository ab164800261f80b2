package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.smtpmonitor.mailbox.MailboxFormat;

/**
 * Where the messages of one mailbox file lie. An mbox file is split at its {@code From }
 * lines; a raw file only where the server said it stored a copy (a {@code StoredCopy}),
 * so a stretch written before the app started stays one row of unknown boundaries.
 *
 * <p>Indexing is incremental: rows before {@link #stableEnd} never change while the file
 * only grows, so each refresh reads just the new bytes. The last rows may still be being
 * written and are read again on the next refresh. A file that shrank is read again whole.
 * Thread-safe: the indexer thread updates it, server threads add copies, preview tasks read.
 */
final class MailboxIndex {

    /** Header bytes read first for a summary; only a longer header block is read again. */
    private static final int FIRST_HEADER_READ = 4096;

    /** A stretch of a raw file that no stored copy explains for this long is mail of unknown boundaries. */
    static final long GAP_SETTLE_NANOS = 2_000_000_000L;

    private final Path file;
    private final MailboxFormat format;
    private final List<MessageSummary> rows = new ArrayList<>();
    private final TreeSet<PendingCopy> pendingCopies = new TreeSet<>();
    private long copiesSeen;
    private final Queue<long[]> newCopies = new ConcurrentLinkedQueue<>();
    private final Map<Long, MessageSummary> parsed = new HashMap<>();
    private long gapStart = -1;
    private long gapSeen;
    private int stableRows;
    private long stableEnd;
    private long generation;
    private long indexedSize = -1;
    private long indexedModified = -1;

    MailboxIndex(Path file, MailboxFormat format) {
        this.file = file;
        this.format = format;
    }

    Path file() {
        return file;
    }

    /**
     * The server stored {@code length} bytes at {@code offset} (raw mailboxes use it to
     * split). Takes no lock: a server thread must not wait while a big file is read.
     */
    void copyStored(long offset, long length) {
        newCopies.add(new long[] {offset, length});
    }

    /** True when the file's size or time differs from when it was last indexed. */
    synchronized boolean changedSince(long size, long modified) {
        return size != indexedSize || modified != indexedModified;
    }

    /** Reads what is new in the file (whole, if it shrank) and returns the new state. */
    synchronized MailboxState refresh(long size, long modified) throws IOException {
        if (size < stableEnd) {
            rows.clear();
            pendingCopies.clear();
            parsed.clear();
            gapStart = -1;
            stableRows = 0;
            stableEnd = 0;
            generation++;
        }
        rows.subList(stableRows, rows.size()).clear();
        for (long[] copy = newCopies.poll(); copy != null; copy = newCopies.poll()) {
            if (copy[0] >= stableEnd) {
                pendingCopies.add(new PendingCopy(copy[0], copy[1], copiesSeen++));
            } else if (copy[1] == 0) {
                insertEmptyStableRow(copy[0]);
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (format == MailboxFormat.MBOX) {
                indexMbox(channel, size);
            } else {
                indexRaw(channel, size);
            }
        }
        indexedSize = size;
        indexedModified = modified;
        return state(size);
    }

    private void indexMbox(FileChannel channel, long size) throws IOException {
        List<MessageSummary> found = MboxScanner.scan(channel, stableEnd, size);
        rows.addAll(found);
        // The last message may still be growing: read it again next time.
        stableRows = Math.max(stableRows, rows.size() - 1);
        if (stableRows < rows.size()) {
            stableEnd = rows.get(stableRows).offset();
        } else {
            stableEnd = size;
        }
    }

    /**
     * Splits a raw file where copies were stored. Copies are announced in the order their
     * sessions finish, not always in file order, so a stretch no copy covers may be one
     * whose announcement is still on its way: rows after such a gap stay provisional
     * until the gap is filled, or has stayed unexplained for {@link #GAP_SETTLE_NANOS}
     * (mail written before the app started, or by someone else).
     */
    private void indexRaw(FileChannel channel, long size) throws IOException {
        long now = System.nanoTime();
        long position = stableEnd;
        while (!pendingCopies.isEmpty()) {
            PendingCopy copy = pendingCopies.first();
            long offset = copy.offset();
            long length = copy.length();
            if (offset + length > size) {
                break; // not in the file yet as far as we have read it
            }
            if (offset < position) {
                pendingCopies.pollFirst();
                parsed.remove(offset);
                continue;
            }
            if (offset > position) {
                if (gapStart != position) {
                    gapStart = position;
                    gapSeen = now;
                    break;
                }
                if (now - gapSeen < GAP_SETTLE_NANOS) {
                    break;
                }
                rows.add(MessageSummary.unknown(position, offset - position));
            }
            rows.add(summary(offset, length));
            pendingCopies.pollFirst();
            parsed.remove(offset);
            position = offset + length;
        }
        stableEnd = position;
        stableRows = rows.size();
        for (PendingCopy copy : pendingCopies) {
            long offset = copy.offset();
            long length = copy.length();
            if (offset + length > size) {
                break;
            }
            if (offset > position) {
                rows.add(MessageSummary.unknown(position, offset - position));
            }
            rows.add(summary(offset, length));
            position = offset + length;
        }
        if (size > position) {
            // Bytes no delivery has told us about yet: mail from before, or one being stored now.
            rows.add(MessageSummary.unknown(position, size - position));
        }
    }

    /**
     * An empty message whose session finished after the one stored behind it at the same
     * offset was indexed: it takes its place before that row (it has no bytes to re-read).
     */
    private void insertEmptyStableRow(long offset) {
        int at = 0;
        while (at < stableRows && rows.get(at).offset() < offset) {
            at++;
        }
        rows.add(at, unread(offset, 0));
        stableRows++;
    }

    /**
     * The row of a stored copy: its headers if they were read while the row was still
     * provisional, else a row whose headers are read only when someone asks for the rows
     * ({@link #rows()}): a mailbox nobody looks at costs no reading and parsing per message.
     */
    private MessageSummary summary(long offset, long length) {
        MessageSummary summary = parsed.get(offset);
        return summary != null && summary.length() == length ? summary : unread(offset, length);
    }

    private static MessageSummary unread(long offset, long length) {
        return new MessageSummary(offset, length, null, null, null, null, true);
    }

    private static boolean isUnread(MessageSummary row) {
        return row.from() == null;
    }

    /** Reads the headers of every row that has not had them read yet. */
    private void readUnreadHeaders() {
        FileChannel channel = null;
        try {
            for (int i = 0; i < rows.size(); i++) {
                MessageSummary row = rows.get(i);
                if (!isUnread(row)) {
                    continue;
                }
                MessageSummary read;
                try {
                    if (channel == null) {
                        channel = FileChannel.open(file, StandardOpenOption.READ);
                    }
                    read = readHeaders(channel, row.offset(), row.length());
                } catch (IOException e) {
                    // Gone or unreadable: the row is shown without its headers.
                    read = new MessageSummary(row.offset(), row.length(), "", "", "", "", true);
                }
                rows.set(i, read);
                if (i >= stableRows) {
                    parsed.put(row.offset(), read); // provisional rows are made again at each refresh
                }
            }
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Only read from.
                }
            }
        }
    }

    private static MessageSummary readHeaders(FileChannel channel, long offset, long length) throws IOException {
        // Most header blocks fit in the first read; a longer one is read again, whole.
        ByteBuffer buffer = read(channel, offset, (int) Math.min(length, FIRST_HEADER_READ));
        int read = buffer.position();
        if (MessageSummary.headerEnd(buffer.array(), read) == read && read < length
                && read < MessageSummary.MAX_HEADER_BYTES) {
            buffer = read(channel, offset, (int) Math.min(length, MessageSummary.MAX_HEADER_BYTES));
        }
        return MessageSummary.parse(offset, length, buffer.array(), buffer.position());
    }

    private static ByteBuffer read(FileChannel channel, long offset, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                break;
            }
        }
        return buffer;
    }

    private MailboxState state(long size) {
        int messages = 0;
        boolean unknown = false;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).known()) {
                messages++;
            } else {
                unknown = true;
            }
        }
        return new MailboxState(file, messages, unknown, size, generation);
    }

    /** A copy of the rows, oldest first, every one with its headers (reads the file: not on the FX thread). */
    synchronized List<MessageSummary> rows() {
        readUnreadHeaders();
        return List.copyOf(rows);
    }

    /**
     * A stored copy not yet made a stable row. An empty message (0 bytes in raw) lies at the
     * offset of the message stored after it, so copies are ordered by offset, then length
     * (the empty one first), then arrival: two empty messages in a row are two rows.
     */
    private record PendingCopy(long offset, long length, long sequence) implements Comparable<PendingCopy> {
        @Override
        public int compareTo(PendingCopy other) {
            int byOffset = Long.compare(offset, other.offset);
            if (byOffset != 0) {
                return byOffset;
            }
            int byLength = Long.compare(length, other.length);
            return byLength != 0 ? byLength : Long.compare(sequence, other.sequence);
        }
    }

    /** What the mailbox list shows about one file after it was indexed. */
    record MailboxState(Path file, int messages, boolean unknownContent, long size, long generation) {
    }
}
