package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.smtpmonitor.message.IndexedMessage;

/**
 * Brings the {@link MessageIndex} in line with a mailbox file at start: what the index
 * claims past the file's end (or of a file since replaced) is forgotten, and what the
 * file holds past the index is indexed again where its boundaries can be known. In mbox
 * they always can: the tail is scanned for its {@code From } lines, and so a deleted index
 * is rebuilt whole. In a raw file they are known from the {@link AppendJournal}, which
 * records every append before it is made; what it does not cover (mail stored before the
 * journal, or after a power loss) is only counted as unindexed: it may hold one message or
 * many, and it is never merged into the one before.
 */
final class IndexReconciler {

    private static final byte[] FROM_ = "From ".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 256 * 1024;
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    private IndexReconciler() {
    }

    /** Reconciles {@code address}'s {@code file}; returns the bytes at its end the index does not cover. */
    static long reconcile(MessageIndex index, String address, Path file, MailboxFormat format)
            throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return 0;
        }
        long identity = AppendJournal.identity(attributes.fileKey());
        long size = attributes.size();
        IndexRewrite.recover(index, address, identity);
        index.keepOnly(address, identity, size);
        long skipped = fillGaps(index, address, file, identity, format, attributes);
        long indexedTo = index.state(address).map(MessageIndex.MailboxState::indexedTo).orElse(0L);
        // Mbox bytes that hold no message (before the first From line) are no mail to show.
        long unindexed = format == MailboxFormat.MBOX ? 0 : skipped;
        if (indexedTo >= size) {
            return unindexed;
        }
        long covered;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            covered = add(index, address, identity, format, in, attributes,
                    format == MailboxFormat.MBOX ? mboxMessages(in, indexedTo, size)
                            : rawMessages(new AppendJournal(file).all(), identity, indexedTo, size));
        }
        return format == MailboxFormat.MBOX ? 0 : unindexed + size - Math.max(covered, indexedTo);
    }

    /**
     * Indexes the messages in the gaps the index has below its end (see
     * {@link MessageIndex#uncovered}), where their boundaries can be known; notes and
     * returns the bytes of the gaps that no message could be placed in.
     */
    private static long fillGaps(MessageIndex index, String address, Path file, long identity, MailboxFormat format,
                                 BasicFileAttributes attributes) throws IOException {
        MessageIndex.Uncovered uncovered = index.uncovered(address);
        if (uncovered.skipped() >= 0) {
            return uncovered.skipped();
        }
        long skipped = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            List<AppendJournal.Entry> journal = format == MailboxFormat.MBOX ? List.of() : new AppendJournal(file).all();
            for (long[] gap : uncovered.gaps()) {
                List<long[]> messages = format == MailboxFormat.MBOX ? mboxMessages(in, gap[0], gap[1])
                        : rawMessages(journal, identity, gap[0], gap[1]);
                add(index, address, identity, format, in, attributes, messages);
                for (long[] message : messages) {
                    skipped -= message[1] - message[0];
                }
                skipped += gap[1] - gap[0];
            }
        }
        index.skipped(address, skipped);
        return skipped;
    }

    /** Adds {@code messages} as places to be summarized later; returns where the last ends (0 when none). */
    private static long add(MessageIndex index, String address, long identity, MailboxFormat format, FileChannel in,
                            BasicFileAttributes attributes, List<long[]> messages) throws IOException {
        Instant modified = attributes.lastModifiedTime().toInstant();
        List<MessageIndex.NewEntry> entries = new ArrayList<>();
        long end = 0;
        for (long[] message : messages) {
            long start = message[0];
            long length = message[1] - start;
            String fromLine = format == MailboxFormat.MBOX ? fromLine(in, start) : "";
            // The place now; the summary and words when the index writer is idle.
            entries.add(new MessageIndex.NewEntry(new IndexedMessage(0, address, start, length, length,
                    received(fromLine, modified), "", 0, "", "", sender(fromLine), List.of(address), "", "", "",
                    "", "", ""), null));
            end = message[1];
            if (entries.size() == 1000) {
                index.add(entries, Map.of(address, identity));
                entries.clear();
            }
        }
        index.add(entries, Map.of(address, identity));
        return end;
    }

    /**
     * The {start, end} of the raw messages from {@code from} on, as far as the journal's
     * records of the file {@code identity} follow one another without a gap. Where a start
     * was written more than once (the file was cut back after a failed or torn append), the
     * latest record counts: its bytes are the ones there now.
     */
    static List<long[]> rawMessages(List<AppendJournal.Entry> journal, long identity, long from, long size) {
        Map<Long, long[]> byStart = new HashMap<>();
        for (AppendJournal.Entry entry : journal) {
            if (entry.identity() == identity && entry.start() >= from && entry.end() <= size
                    && entry.end() > entry.start()) {
                byStart.put(entry.start(), new long[] {entry.start(), entry.end()});
            }
        }
        List<long[]> found = new ArrayList<>();
        for (long[] next = byStart.get(from); next != null; next = byStart.get(next[1])) {
            found.add(next);
        }
        return found;
    }

    /**
     * The {start, end} of each message in bytes {@code from} to {@code to} of an mbox file:
     * a message starts at a {@code From } line at the start of the region or after a blank
     * line. Bytes before the first such line are no message and are passed over.
     */
    static List<long[]> mboxMessages(FileChannel in, long from, long to) throws IOException {
        List<long[]> found = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long start = -1;
        boolean lineStart = true;
        boolean previousBlank = true;
        boolean currentBlank = true;
        int matched = 0;
        long lineBegin = from;
        for (long position = from; position < to; ) {
            buffer.clear().limit((int) Math.min(CHUNK, to - position));
            int read = in.read(buffer, position);
            if (read <= 0) {
                break;
            }
            byte[] bytes = buffer.array();
            for (int i = 0; i < read; i++, position++) {
                byte b = bytes[i];
                if (lineStart) {
                    lineBegin = position;
                    matched = 0;
                    currentBlank = true;
                    lineStart = false;
                }
                if (matched >= 0 && matched < FROM_.length) {
                    matched = b == FROM_[matched] ? matched + 1 : -1;
                    if (matched == FROM_.length && previousBlank) {
                        if (start >= 0) {
                            found.add(new long[] {start, lineBegin});
                        }
                        start = lineBegin;
                    }
                }
                if (b == '\n') {
                    previousBlank = currentBlank;
                    lineStart = true;
                } else if (b != '\r') {
                    currentBlank = false;
                }
            }
        }
        if (start >= 0) {
            found.add(new long[] {start, to});
        }
        return found;
    }

    private static String fromLine(FileChannel in, long start) throws IOException {
        ByteBuffer line = ByteBuffer.allocate(512);
        in.read(line, start);
        String text = new String(line.array(), 0, line.position(), StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** The envelope sender of a {@code From sender date} line. */
    static String sender(String fromLine) {
        String[] words = fromLine.split(" ", 3);
        return words.length < 2 || words[1].equals("MAILER-DAEMON") ? "" : words[1];
    }

    /** The date of a {@code From sender date} line, or {@code otherwise} when it has none we can read. */
    static Instant received(String fromLine, Instant otherwise) {
        String[] words = fromLine.split(" ", 3);
        if (words.length < 3) {
            return otherwise;
        }
        try {
            return ASCTIME.parse(words[2].strip(), Instant::from);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }
}
