package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Who writes the mailboxes of one directory: an exclusive lock of the operating system on
 * {@code .smtp-monitor/lock}, which the store holds while it runs. A rewrite of a mailbox
 * (a delete) is only safe where no other process appends to the file meanwhile, so a
 * second server on the same directory is refused, and the command line deletes itself
 * only when it can take the lock. The system drops the lock when its process dies, so a
 * crash never leaves the directory locked.
 */
final class DirectoryLock implements AutoCloseable {

    static final String FILE = "lock";
    private static final long RETRY_MILLIS = 100;

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code mailboxDirectory}, waiting up to {@code patience} while
     * another holds it (a command line holds it for a moment).
     *
     * @throws DirectoryInUseException when another process (or another store of this one) still holds it
     */
    static DirectoryLock take(Path mailboxDirectory, Duration patience) throws IOException {
        Path directory = mailboxDirectory.resolve(AppendJournal.DIRECTORY);
        if (Files.isSymbolicLink(directory)) {
            throw new IOException(directory + " is a symbolic link; smtp-monitor writes only inside the mailbox directory");
        }
        Files.createDirectories(directory);
        Path file = directory.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            long deadline = System.nanoTime() + patience.toNanos();
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    // A store of this very process holds it.
                    lock = null;
                }
                if (lock != null) {
                    writeOwner(channel);
                    return new DirectoryLock(channel, lock);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new DirectoryInUseException(mailboxDirectory, owner(channel));
                }
                Thread.sleep(RETRY_MILLIS);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lock of " + mailboxDirectory, e);
        }
    }

    /** Notes our process id in the file, so that whoever finds the directory locked is told whose it is. */
    private static void writeOwner(FileChannel channel) throws IOException {
        channel.truncate(0);
        ByteBuffer text = ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        while (text.hasRemaining()) {
            channel.write(text, text.position());
        }
    }

    /** The process id the holder noted, or "" when it cannot be read. */
    private static String owner(FileChannel channel) {
        try {
            ByteBuffer text = ByteBuffer.allocate(32);
            channel.read(text, 0);
            String pid = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,12}") ? pid : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Lets another process have the directory; the file stays, for the next one to lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below drops the lock all the same.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written that matters.
        }
    }
}
