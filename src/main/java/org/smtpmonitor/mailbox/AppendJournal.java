package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the latest append to one mailbox file starts and ends, written before the
 * append's bytes: after a crash, a mailbox whose length lies between the two holds a
 * message that was cut short, and the journal says where it began. Raw mailboxes have no
 * other record of that, and in mbox a cut right after a line end looks like a whole file.
 *
 * <p>It is one 24-byte record, rewritten in place and never synced: a process that is
 * killed leaves the page cache to the kernel, which writes it out all the same. After a
 * power loss the record may be older than the mailbox; {@link TornTail} then falls back
 * on what the format itself shows.
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
            out.write(record, record.position());
        }
    }

    /** The last record, or null when there is none (a mailbox never appended to by us). */
    Entry read() throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.allocate(RECORD);
            while (bytes.hasRemaining() && in.read(bytes, bytes.position()) > 0) {
                // read on
            }
            if (bytes.hasRemaining()) {
                return null;
            }
            bytes.flip();
            return new Entry(bytes.getLong(), bytes.getLong(), bytes.getLong());
        } catch (NoSuchFileException e) {
            return null;
        }
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
