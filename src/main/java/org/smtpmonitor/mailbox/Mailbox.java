package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

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
    private volatile Object channelFileKey;

    private final Disk disk;
    private final MailboxFormat format;
    private final AppendJournal journal;
    /** Where what was found and repaired when the file was opened is told. */
    private final Consumer<String> problems;
    /** The journal's name for the file the channel writes to. */
    private long identity;
    /** The channel was opened since the last append. */
    private boolean opened;
    /** The file whose tail was checked last. */
    private long checked;
    private long rewrites;

    // Group commit: appended counts appends, synced how many of them are settled (on disk,
    // or cut back after a failed sync). unsynced holds {sequence, offset} of the others.
    private final Object syncMonitor = new Object();
    private long appended;
    private long synced;
    private boolean syncing;
    private final ArrayDeque<long[]> unsynced = new ArrayDeque<>();
    /** {first, last} sequences of appends whose sync failed; rare, so a list will do. */
    private final List<long[]> failed = new ArrayList<>();
    private IOException failure;
    /** A sync failed and its thread waits for the append lock to cut back what it covered. */
    private boolean cuttingBack;
    /** Counts the times the file was made (see {@link #madeNow}); its name is durable through {@link #namesSynced}. */
    private final AtomicLong namesMade = new AtomicLong();
    /** How many of {@link #namesMade} a directory sync covered; read and written by the syncing thread only. */
    private long namesSynced;

    Mailbox(User user, Path file, MailboxFormat format, Disk disk, Consumer<String> problems) {
        this.user = user;
        this.file = file;
        this.format = format;
        this.disk = disk;
        this.problems = problems;
        this.journal = new AppendJournal(file);
    }

    /**
     * Notes that the file was just made: its name must outlive a power loss as its bytes
     * will, so the next sync of its appends syncs the directory first, and fails as a failed
     * sync does when that fails (see {@link #syncThrough}). Done in the wait for the disk
     * that every delivery has anyway, so that the event loop that made the file does not
     * wait, and one directory sync covers every delivery waiting on the new mailbox.
     */
    void madeNow() {
        namesMade.incrementAndGet();
    }

    /**
     * Appends {@code content} at the end of the file; call with {@link #appendLock} held.
     * Returns the offset it starts at.
     */
    long append(FramedMessage content) throws IOException {
        // One stat of the path tells both whether our channel still writes to the file
        // that has this name, and how long that file is.
        BasicFileAttributes attributes = attributes();
        FileChannel out = channel(attributes);
        // A file just opened may have had a torn tail cut off since it was stated.
        boolean statedOurFile = attributes != null && Objects.equals(attributes.fileKey(), channelFileKey) && !opened;
        opened = false;
        long offset = statedOurFile ? attributes.size() : out.size();
        journal.appending(identity, offset, offset + content.size());
        try {
            content.writeTo(bytes -> {
                while (bytes.hasRemaining()) {
                    disk.append(out, bytes);
                }
            });
        } catch (IOException | RuntimeException e) {
            // A full disk fails a write half way: what it wrote must not stay, or the next
            // message would be glued to it.
            try {
                truncate(offset);
            } catch (IOException | RuntimeException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
        return offset;
    }

    /** The journal's name for the file appended to last; call with {@link #appendLock} held. */
    synchronized long identity() {
        return identity;
    }

    /** How many times the file has been rewritten (see {@link #replaced}); call with {@link #appendLock} held. */
    synchronized long rewrites() {
        return rewrites;
    }

    /**
     * Marks the append at {@code offset} as made (with {@link #appendLock} still held);
     * returns its sequence number for {@link #syncThrough}.
     */
    long appended(long offset) {
        synchronized (syncMonitor) {
            unsynced.addLast(new long[] {++appended, offset});
            return appended;
        }
    }

    /** Cuts the file back to {@code length}; call with {@link #appendLock} held. */
    void truncate(long length) throws IOException {
        FileChannel out = channel();
        out.truncate(length);
        disk.sync(out);
    }

    /**
     * Returns once the append numbered {@code sequence}, and all before it, are on disk.
     *
     * @throws IOException when the sync failed: the append has then been cut back from
     *                     the file, with every other append that was not yet on disk
     */
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
                    if (hasFailed(sequence)) {
                        throw new IOException("could not sync " + file + ": " + failure.getMessage(), failure);
                    }
                    return;
                }
                // This thread syncs for everyone: every append counted so far is covered.
                syncing = true;
                target = appended;
            }
            syncAppends(target);
        }
    }

    /**
     * Syncs the file for every append up to {@code target}, this thread having taken the
     * turn ({@code syncing}); on failure cuts back what the sync was to cover. Returns the
     * failure, or null; either way the turn is given back and the waiters woken.
     */
    private IOException syncAppends(long target) {
        IOException problem = null;
        try {
            long made = namesMade.get();
            if (made != namesSynced) {
                disk.syncDirectory(file.getParent());
                namesSynced = made;
            }
            disk.sync(currentChannel());
        } catch (IOException e) {
            problem = e;
        } finally {
            if (problem != null) {
                synchronized (syncMonitor) {
                    // A rewrite waiting for this sync with the append lock held must let go of it.
                    cuttingBack = true;
                    syncMonitor.notifyAll();
                }
                cutBackUnsynced(problem);
            }
            synchronized (syncMonitor) {
                syncing = false;
                cuttingBack = false;
                if (problem == null) {
                    synced = Math.max(synced, target);
                    while (!unsynced.isEmpty() && unsynced.peekFirst()[0] <= target) {
                        unsynced.removeFirst();
                    }
                }
                syncMonitor.notifyAll();
            }
        }
        return problem;
    }

    /**
     * Makes every append made so far durable, before the file is copied into a new one;
     * call with {@link #appendLock} held. A sync under way is waited for, unless it failed
     * and needs the append lock to cut back.
     *
     * @throws IOException when a sync fails: the rewrite must not go on, and the appends it
     *                     was to cover are cut back, as after any failed sync
     */
    void settleAppends() throws IOException {
        long target;
        synchronized (syncMonitor) {
            while (syncing) {
                if (cuttingBack) {
                    throw new IOException("could not sync " + file + ": the disk failed a sync just now");
                }
                try {
                    syncMonitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the disk", e);
                }
            }
            if (synced >= appended) {
                return;
            }
            syncing = true;
            target = appended;
        }
        IOException problem = syncAppends(target);
        if (problem != null) {
            throw new IOException("could not sync " + file + ": " + problem.getMessage(), problem);
        }
    }

    /**
     * After a rewrite put a new file ({@code identity}, of {@code size} bytes, holding the
     * messages at {@code places}) in place of this one, with the append lock held and every
     * append settled: the channel to the old file is closed, so its space is freed (no sync
     * can be under way: all are settled, and no append can be made); the new file counts as
     * checked, so its end is not taken for a torn message; and the journal is written anew
     * for it (see {@link AppendJournal#replaced}).
     */
    synchronized void replaced(long identity, long size, AppendJournal.Places places) {
        closeChannel();
        channelFileKey = null;
        checked = identity;
        rewrites++;
        try {
            journal.replaced(identity, places, size);
        } catch (IOException e) {
            problems.accept("could not note the rewrite of " + file + " in " + journal.file() + ": " + e.getMessage()
                    + "; the next start checks the mailbox's end by its last byte instead");
        }
    }

    /**
     * Closes the file and its journal while no delivery uses them, to keep the process's
     * file descriptors bounded (see {@link MailboxList#closeIdle}); the next append opens
     * both again, and finds the file checked already. Every append made so far is made
     * durable first, so no sync can be under way or wanted once they are closed. Returns
     * false, closing nothing, when a delivery or rewrite holds the append lock now, or a
     * sync failed.
     */
    boolean closeIdle() {
        if (!appendLock.tryLock()) {
            return false;
        }
        try {
            settleAppends();
            synchronized (this) {
                closeChannel();
                journal.close();
            }
            return true;
        } catch (IOException e) {
            // The failed sync's appends are cut back and their deliveries fail; it stays open.
            return false;
        } finally {
            appendLock.unlock();
        }
    }

    AppendJournal journal() {
        return journal;
    }

    /**
     * After a failed sync nothing that was not on disk can be trusted to get there (Linux
     * may report a lost write only once), so every append not yet synced is cut back and
     * fails, and their clients get 451 rather than a 250 for mail that may be gone.
     */
    private void cutBackUnsynced(IOException problem) {
        appendLock.lock();
        try {
            long offset;
            synchronized (syncMonitor) {
                if (unsynced.isEmpty()) {
                    return;
                }
                offset = unsynced.peekFirst()[1];
                failed.add(new long[] {unsynced.peekFirst()[0], appended});
                failure = problem;
                synced = appended;
                unsynced.clear();
            }
            try {
                truncate(offset);
            } catch (IOException | RuntimeException ignored) {
                // The disk is failing; the clients hear of it through their 451.
            }
        } finally {
            appendLock.unlock();
        }
    }

    private boolean hasFailed(long sequence) {
        for (long[] range : failed) {
            if (sequence >= range[0] && sequence <= range[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The channel to the file as it is on disk now ({@code attributes} of its path, null
     * when it is missing), reopened if the file was replaced or deleted: a user may well
     * delete a mailbox to empty it while the server runs.
     */
    private synchronized FileChannel channel(BasicFileAttributes attributes) throws IOException {
        checkIsRegularFile(attributes);
        Object key = attributes == null ? null : attributes.fileKey();
        if (channel == null || !channel.isOpen() || key == null || !Objects.equals(key, channelFileKey)) {
            closeChannel();
            if (attributes == null && !Files.isDirectory(file.getParent())) {
                // The whole mailbox directory was removed: make it again rather than lose mail.
                Files.createDirectories(file.getParent());
            }
            channel = open();
            if (attributes == null) {
                // A file made now (deleted while the server runs): its name is synced with the append.
                madeNow();
            }
            BasicFileAttributes now = attributes();
            channelFileKey = now == null ? null : now.fileKey();
            identity = AppendJournal.identity(channelFileKey);
            opened = true;
            repairTail();
        }
        return channel;
    }

    /**
     * Opens the file for appending, never through a symbolic link ({@code O_NOFOLLOW}): a
     * link, dangling or not, could lead outside the mailbox directory.
     */
    private FileChannel open() throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            checkIsRegularFile(attributes());
            throw e;
        }
    }

    /** Refuses a mailbox path that is a link, a directory, a pipe or a device, saying which. */
    private void checkIsRegularFile(BasicFileAttributes attributes) throws IOException {
        if (attributes == null || attributes.isRegularFile()) {
            return;
        }
        throw new IOException("mailbox " + file + (attributes.isSymbolicLink()
                ? " is a symbolic link: smtp-monitor does not write through links, which could lead outside the"
                  + " mailbox directory"
                : " is not a regular file"));
    }

    /**
     * Repairs a torn tail of the file (see {@link TornTail}), at start and whenever the
     * file is opened again; call with the append lock held, or before the server starts.
     */
    synchronized void repairTail() throws IOException {
        BasicFileAttributes attributes = attributes();
        checkIsRegularFile(attributes);
        if (attributes == null) {
            return;
        }
        long fileIdentity = AppendJournal.identity(attributes.fileKey());
        if (fileIdentity == checked && fileIdentity != 0) {
            // Checked at start, and written only by us since.
            return;
        }
        String done = TornTail.repair(file, fileIdentity, journal.read(), format, disk);
        checked = fileIdentity;
        if (done != null) {
            problems.accept(done);
        }
    }

    private FileChannel channel() throws IOException {
        return channel(attributes());
    }

    private synchronized FileChannel currentChannel() {
        if (channel == null) {
            throw new IllegalStateException("sync before any append to " + file);
        }
        return channel;
    }

    private BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
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
        journal.close();
    }
}
