package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
