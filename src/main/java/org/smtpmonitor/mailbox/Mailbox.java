package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One user's mailbox file, with the channel it is appended through and the bookkeeping
 * of group commit: appends are made under {@link #appendLock}, then whoever needs them
 * durable calls {@link #syncThrough}, and one fdatasync covers every append made before
 * it began. Under load, many sessions' messages share one sync instead of queueing for
 * one each; alone, a message waits for exactly one sync, as it would anyway.
 */
final class Mailbox implements AutoCloseable {

    final User user;
    final Path file;
    /** Held while appending; deliveries lock all their mailboxes in address order. */
    final ReentrantLock appendLock = new ReentrantLock();

    private FileChannel channel;
    private Object channelFileKey;

    // Group commit: appended counts appends, synced how many of them are on disk.
    private final Object syncMonitor = new Object();
    private long appended;
    private long synced;
    private boolean syncing;

    Mailbox(User user, Path file) {
        this.user = user;
        this.file = file;
    }

    /**
     * Appends {@code content} (its position is left as it was) at the end of the file;
     * call with {@link #appendLock} held. Returns the offset it starts at.
     */
    long append(ByteBuffer content) throws IOException {
        FileChannel out = channel();
        long offset = out.size();
        ByteBuffer bytes = content.duplicate();
        long position = offset;
        while (bytes.hasRemaining()) {
            position += out.write(bytes, position);
        }
        return offset;
    }

    /** Marks an append as made (with {@link #appendLock} still held); returns its sequence number. */
    long appended() {
        synchronized (syncMonitor) {
            return ++appended;
        }
    }

    /** Cuts the file back to {@code length}; call with {@link #appendLock} held. */
    void truncate(long length) throws IOException {
        FileChannel out = channel();
        out.truncate(length);
        out.force(false);
    }

    /** Returns once the append numbered {@code sequence}, and all before it, are on disk. */
    void syncThrough(long sequence) throws IOException {
        while (true) {
            long target;
            synchronized (syncMonitor) {
                while (synced < sequence && syncing) {
                    try {
                        syncMonitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for the disk", e);
                    }
                }
                if (synced >= sequence) {
                    return;
                }
                // This thread syncs for everyone: every append counted so far is covered.
                syncing = true;
            }
            // Let sessions that are ready to append do so first, so that this sync covers
            // them too. Alone on the machine, a yield returns at once and costs nothing.
            Thread.yield();
            synchronized (syncMonitor) {
                target = appended;
            }
            boolean done = false;
            try {
                currentChannel().force(false);
                done = true;
            } finally {
                synchronized (syncMonitor) {
                    syncing = false;
                    if (done) {
                        synced = Math.max(synced, target);
                    }
                    syncMonitor.notifyAll();
                }
            }
        }
    }

    /** The channel to the file as it is on disk now, reopened if the file was replaced or deleted. */
    private synchronized FileChannel channel() throws IOException {
        Object key = fileKey();
        if (channel == null || !channel.isOpen() || key == null || !Objects.equals(key, channelFileKey)) {
            closeChannel();
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                // The whole mailbox directory was removed: make it again rather than lose mail.
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            channelFileKey = fileKey();
        }
        return channel;
    }

    private synchronized FileChannel currentChannel() {
        if (channel == null) {
            throw new IllegalStateException("sync before any append to " + file);
        }
        return channel;
    }

    private Object fileKey() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // A channel we are replacing; what it wrote was synced or will be reported.
            }
            channel = null;
        }
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }
}
