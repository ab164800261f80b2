package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.text.Printable;

/**
 * Keeps a {@link MailboxIndex} of every mailbox up to date on a thread of its own: after
 * each delivery, and when a file changes on disk (it checks size and time once a second,
 * which also catches a mailbox edited or emptied by hand). Each new state goes to
 * {@code sink}, which must not block (the window queues it for the next pulse).
 */
final class MailboxIndexer implements AutoCloseable {

    static final long POLL_MILLIS = 1000;
    /** Deliveries that arrive this close together are indexed together. */
    private static final long COALESCE_MILLIS = 50;

    private final MailboxFormat format;
    private final Consumer<MailboxIndex.MailboxState> sink;
    private final Map<Path, MailboxIndex> indexes = new ConcurrentHashMap<>();
    private final Set<Path> watched = ConcurrentHashMap.newKeySet();
    private final Set<Path> dirty = ConcurrentHashMap.newKeySet();
    private final Object wake = new Object();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean sleeping;

    MailboxIndexer(MailboxFormat format, Consumer<MailboxIndex.MailboxState> sink) {
        this.format = format;
        this.sink = sink;
        this.thread = new Thread(this::run, "mailbox-indexer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Indexes these files now and keeps watching them. */
    void watch(List<Path> files) {
        for (Path file : files) {
            index(file);
            watched.add(file);
        }
        markDirty(files);
    }

    /** A server thread stored a copy: never blocks beyond a short lock. */
    void copyStored(StoredCopy copy) {
        index(copy.mailbox()).copyStored(copy.offset(), copy.length());
        markDirty(List.of(copy.mailbox()));
    }

    /** Reads the file again soon, even if it looks unchanged. */
    void refresh(Path file) {
        markDirty(List.of(file));
    }

    /** The rows of a mailbox, oldest first (empty if it was never indexed). */
    List<MessageSummary> rows(Path file) {
        MailboxIndex index = indexes.get(file);
        return index == null ? List.of() : index.rows();
    }

    private MailboxIndex index(Path file) {
        return indexes.computeIfAbsent(file, f -> new MailboxIndex(f, format));
    }

    private void markDirty(List<Path> files) {
        dirty.addAll(files);
        // Wake the indexer only if it sleeps: a wake-up per delivery would cost a system call each.
        if (sleeping) {
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    private void run() {
        long nextPoll = System.currentTimeMillis() + POLL_MILLIS;
        while (!closed) {
            try {
                synchronized (wake) {
                    long wait = nextPoll - System.currentTimeMillis();
                    sleeping = true;
                    if (dirty.isEmpty() && wait > 0) {
                        wake.wait(wait);
                    }
                    sleeping = false;
                }
                if (closed) {
                    return;
                }
                if (System.currentTimeMillis() >= nextPoll) {
                    pollFiles();
                    nextPoll = System.currentTimeMillis() + POLL_MILLIS;
                }
                Thread.sleep(COALESCE_MILLIS);
                List<Path> work = new ArrayList<>(dirty);
                dirty.removeAll(work);
                for (Path file : work) {
                    reindex(file);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("smtp-monitor: mailbox indexer: " + Printable.escape(e.toString()));
            }
        }
    }

    /** Marks every watched file whose size or time changed. */
    private void pollFiles() {
        for (Path file : watched) {
            try {
                long size = Files.size(file);
                long modified = Files.getLastModifiedTime(file).toMillis();
                if (index(file).changedSince(size, modified)) {
                    dirty.add(file);
                }
            } catch (IOException e) {
                // Gone or unreadable for now: keep what we know, try again next poll.
            }
        }
    }

    private void reindex(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            long size = Files.size(file);
            sink.accept(index(file).refresh(size, modified));
        } catch (NoSuchFileException e) {
            // The file was removed; the next poll sees if it comes back.
        } catch (IOException e) {
            System.err.println(Printable.escape("smtp-monitor: cannot read mailbox " + file + ": " + e.getMessage()));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
