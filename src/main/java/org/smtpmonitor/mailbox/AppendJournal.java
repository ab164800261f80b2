package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where each append to one mailbox file starts and ends, written before the append's
 * bytes. After a crash, a mailbox whose length lies inside the last append holds a message
 * that was cut short, and the journal says where it began; and the appends the message
 * index had not yet taken are found here, so their boundaries are known even in a raw
 * mailbox, which has no other record of them.
 *
 * <p>It is a log of 24-byte records, appended to and never synced: a process that is
 * killed leaves the page cache to the kernel, which writes it out all the same. After a
 * power loss the log may be shorter than the mailbox; {@link TornTail} then falls back on
 * what the format itself shows, and a raw tail stays unindexed.
 */
final class AppendJournal implements AutoCloseable {

    static final String DIRECTORY = ".smtp-monitor";
    private static final int RECORD = 24;

    /** The append under way or last made: to the file {@code identity}, bytes {@code start} to {@code end}. */
    record Entry(long identity, long start, long end) {
    }

    private final Path file;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD);
    private FileChannel channel;
    /** Where the next record goes. */
    private long next;

    /** The journal of the mailbox file {@code mailbox}. */
    AppendJournal(Path mailbox) {
        this.file = mailbox.resolveSibling(DIRECTORY).resolve(mailbox.getFileName() + ".tail");
    }

    Path file() {
        return file;
    }

    /** Records an append of {@code start} to {@code end} to the file {@code identity}, before it is made. */
    void appending(long identity, long start, long end) throws IOException {
        FileChannel out = channel();
        record.clear();
        record.putLong(identity).putLong(start).putLong(end).flip();
        while (record.hasRemaining()) {
            out.write(record, next + record.position());
        }
        next += RECORD;
    }

    /** Where messages lie in a file, given one by one to a {@link Places.Sink}. */
    interface Places {
        void each(Sink sink) throws IOException;

        interface Sink {
            void place(long start, long end) throws IOException;
        }
    }

    /**
     * Writes the journal anew for the file {@code identity} of {@code size} bytes, which has
     * taken the mailbox's name in place of the one appended to so far (a rewrite): a record
     * for each message of {@code places}, so that their boundaries outlive the index, and
     * last one that ends at {@code size}, so that the file's end is known to be whole. The
     * records of files gone are dropped: a new file may reuse a deleted one's inode, and so
     * its identity. The new journal replaces the old by a rename; neither is synced (see
     * the class comment).
     */
    void replaced(long identity, Places places, long size) throws IOException {
        close();
        Path temporary = file.resolveSibling(file.getFileName() + ".rewrite");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer records = ByteBuffer.allocate(RECORD * 4096);
            Places.Sink sink = (start, end) -> {
                if (!records.hasRemaining()) {
                    drain(records, out);
                }
                records.putLong(identity).putLong(start).putLong(end);
            };
            places.each(sink);
            sink.place(size, size);
            drain(records, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            // Records of the old file could be taken for the new one's if it reuses an inode.
            Files.deleteIfExists(file);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void drain(ByteBuffer records, FileChannel out) throws IOException {
        records.flip();
        while (records.hasRemaining()) {
            out.write(records);
        }
        records.clear();
    }

    /**
     * The records of the file {@code identity} that start at or after {@code from}, oldest
     * first, read from the end back to the first record that does not (or of another file):
     * appends are journaled in the order of their offsets, so nothing earlier is wanted,
     * and a long journal is not read whole.
     */
    List<Entry> since(long identity, long from) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Entry> found = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.allocate(RECORD * 256);
            long end = in.size() / RECORD * RECORD;
            scan:
            while (end > 0) {
                long begin = Math.max(0, end - bytes.capacity());
                bytes.clear().limit((int) (end - begin));
                while (bytes.hasRemaining() && in.read(bytes, begin + bytes.position()) > 0) {
                    // read on
                }
                for (int at = (int) (end - begin) - RECORD; at >= 0; at -= RECORD) {
                    Entry entry = new Entry(bytes.getLong(at), bytes.getLong(at + 8), bytes.getLong(at + 16));
                    if (entry.identity() != identity || entry.start() < from) {
                        break scan;
                    }
                    found.add(entry);
                }
                end = begin;
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Collections.reverse(found);
        return found;
    }

    /** The last record, or null when there is none (a mailbox never appended to by us). */
    Entry read() throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            // A record cut short by a crash (it is written before its append) is left out.
            long last = in.size() / RECORD * RECORD - RECORD;
            if (last < 0) {
                return null;
            }
            ByteBuffer bytes = ByteBuffer.allocate(RECORD);
            while (bytes.hasRemaining() && in.read(bytes, last + bytes.position()) > 0) {
                // read on
            }
            bytes.flip();
            return new Entry(bytes.getLong(), bytes.getLong(), bytes.getLong());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Every record, oldest first; none when there is no journal. */
    List<Entry> all() throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.allocate(RECORD * 4096);
            long position = 0;
            // A record cut short by a crash (it is written before its append) is left out.
            long whole = in.size() / RECORD * RECORD;
            while (position < whole) {
                bytes.clear().limit((int) Math.min(bytes.capacity(), whole - position));
                int read = in.read(bytes, position);
                if (read <= 0) {
                    break;
                }
                position += read;
                bytes.flip();
                while (bytes.remaining() >= RECORD) {
                    entries.add(new Entry(bytes.getLong(), bytes.getLong(), bytes.getLong()));
                }
                position -= bytes.remaining();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return entries;
    }

    private FileChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            // Neither the record nor its directory entry is synced: see the class comment.
            Path directory = file.getParent();
            if (Files.isSymbolicLink(directory)) {
                throw new IOException(directory + " is a symbolic link; smtp-monitor writes only inside the mailbox directory");
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(directory);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            next = channel.size() / RECORD * RECORD;
        }
        return channel;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing in it needs to reach the disk from here.
            }
            channel = null;
        }
    }

    /** A name for the file {@code fileKey} that stays the same across restarts (the key's text holds device and inode). */
    static long identity(Object fileKey) {
        if (fileKey == null) {
            return 0;
        }
        // FNV-1a, 64 bits.
        long hash = 0xcbf29ce484222325L;
        for (char c : fileKey.toString().toCharArray()) {
            hash = (hash ^ c) * 0x100000001b3L;
        }
        return hash;
    }
}
