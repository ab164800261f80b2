package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How bytes reach the disk; a test may put a failing or full disk in its place. The
 * mailbox is opened for appending ({@code O_APPEND}), so that an append-only file
 * ({@code chattr +a}) can be a mailbox too.
 */
interface Disk {
    /** fdatasync: the data and the new length reach the disk, other metadata need not. */
    void sync(FileChannel channel) throws IOException;

    /** Writes some of {@code bytes} at the end of the file; returns how many. */
    default int append(FileChannel channel, ByteBuffer bytes) throws IOException {
        return channel.write(bytes);
    }

    /**
     * Copies up to {@code count} bytes at {@code position} of {@code from} to the end of
     * {@code to}; returns how many. A mailbox is rewritten so, a piece at a time, never read
     * into memory whole.
     */
    default long transfer(FileChannel from, long position, long count, FileChannel to) throws IOException {
        return from.transferTo(position, count, to);
    }

    /** Makes the entries of {@code directory} durable: a file created there survives a power loss. */
    default void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory as a file, nor needs to: it has no such step.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    /** The real disk. */
    Disk FDATASYNC = channel -> channel.force(false);
}
