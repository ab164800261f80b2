package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageParser;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Summary;
import org.smtpmonitor.smtp.AuthInfo;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.smtp.TlsInfo;

/**
 * Adds delivered copies to the {@link MessageIndex} on a thread of its own, in batches,
 * once they are on disk: a delivery only puts its copies in a queue, so the index never
 * delays a {@code 250}.
 *
 * <p>It works in two steps, so that a flood of mail costs the server little: first each
 * copy's place and envelope, which the delivery already knows (a row insert); then, when
 * no copies wait, its summary and words, for which the message is read back from its file
 * and parsed. Under a flood the counts are right at once, and search catches up after.
 */
final class IndexWriter implements AutoCloseable {

    /** The most copies added in one transaction. */
    private static final int MAX_BATCH = 5_000;
    /** The most bytes of a message read for its summary and the words of its text. */
    static final int MAX_READ = 1024 * 1024;
    /** The most characters of its text indexed for search. */
    static final int MAX_TEXT = 64 * 1024;

    /** How long the first copy of a batch waits for others to join it. */
    private static final long GATHER_MILLIS = 50;
    /** The most copies summarized in one transaction. */
    private static final int SUMMARY_BATCH = 200;

    /**
     * Copies made durable together, with the identity of each mailbox file written.
     *
     * @param size the message's bytes as sent (without mbox framing)
     */
    record Delivered(Envelope envelope, Instant received, long size, List<StoredCopy> copies,
                     Map<String, RewriteHistory.FileVersion> files) {
    }

    /** Work for the index's thread; see {@link #run}. */
    interface Task<T> {
        T run() throws IOException;
    }

    /** How often {@link #chores} are done at least, under a flood. */
    private static final long CHORES_MILLIS = 200;

    private final MessageIndex index;
    private final MailboxFormat format;
    /** Each mailbox's file, by address; null for none. Mailboxes are added while the server runs. */
    private final Function<String, Path> files;
    private final Consumer<String> problems;
    /** Told the mailboxes whose messages changed, after each commit. */
    private final Consumer<Set<String>> changed;
    private final LinkedBlockingQueue<Delivered> queue = new LinkedBlockingQueue<>();
    private final Object progress = new Object();
    private long queued;
    private long written;
    /** How many queued deliveries had been written when a look last found nothing left to summarize. */
    private long summarizedThrough;
    /** How many looks have found nothing left to summarize. */
    private long emptyLooks;
    private volatile boolean closing;
    private final Queue<FutureTask<?>> tasks = new ConcurrentLinkedQueue<>();
    /** Done when idle, and every {@link #CHORES_MILLIS} at least: the requests of the command line. */
    private final Runnable chores;
    private long choresDone;
    private final RewriteHistory rewrites = new RewriteHistory();
    /** The log was copied into the database since the last write. */
    private boolean checkpointed;
    /** Summarizing failed, and was told, since it last worked. */
    private boolean failing;
    private final Thread thread;

    /**
     * @param files   each mailbox's file, by address
     * @param changed told the addresses of the mailboxes whose messages changed, after each commit
     */
    IndexWriter(MessageIndex index, MailboxFormat format, Map<String, Path> files, Consumer<String> problems,
                Consumer<Set<String>> changed) {
        this(index, format, Map.copyOf(files)::get, problems, changed, () -> { });
    }

    /**
     * @param files  each mailbox's file, by address (as the copies spell it), or null: asked
     *               each time, so that a mailbox made while the server runs is read too
     * @param chores done on the index's thread when it is idle, and every 200 ms at least under a flood
     */
    IndexWriter(MessageIndex index, MailboxFormat format, Function<String, Path> files, Consumer<String> problems,
                Consumer<Set<String>> changed, Runnable chores) {
        this.chores = chores;
        this.index = index;
        this.format = format;
        this.files = files;
        this.problems = problems;
        this.changed = changed;
        this.thread = new Thread(this::run, "mailbox-index");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues durable copies for the index; never blocks. */
    void delivered(Delivered delivered) {
        synchronized (progress) {
            queued++;
        }
        queue.add(delivered);
    }

    /** Returns once everything queued before the call is in the index, summary and words too (or failed to get there). */
    void flush() throws InterruptedException {
        synchronized (progress) {
            long target = queued;
            // A look that ends after this call saw every copy the start's reconciliation added, too.
            long looks = emptyLooks;
            while ((summarizedThrough < target || emptyLooks == looks) && thread.isAlive()) {
                progress.wait(100);
            }
        }
    }

    /**
     * Runs {@code task} on the index's thread, once every copy queued before has been added,
     * and returns its result: what runs there never races the summaries, which read the files.
     *
     * @throws IOException what the task threw, or when the writer is closing
     */
    <T> T run(Task<T> task) throws IOException {
        if (Thread.currentThread() == thread) {
            writeQueued();
            return task.run();
        }
        FutureTask<T> future = new FutureTask<>(() -> {
            writeQueued();
            return task.run();
        });
        synchronized (tasks) {
            if (closing || !thread.isAlive()) {
                throw new IOException("the message index " + index.file() + " is closing");
            }
            tasks.add(future);
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        } catch (CancellationException e) {
            throw new IOException("the message index " + index.file() + " closed before it could do this");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the message index", e);
        }
    }

    /**
     * Notes the {@code number}-th rewrite (from 0) of {@code address}'s file; call on the
     * index's thread, as the rewrite is made.
     */
    void rewritten(String address, long number, RewriteHistory.Rewrite rewrite) {
        rewrites.add(address, number, rewrite);
    }

    private void run() {
        List<Delivered> batch = new ArrayList<>();
        try {
            while (!closing || !queue.isEmpty() || !tasks.isEmpty()) {
                runTasks();
                Delivered first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    choresIfDue(true);
                    summarizeWhileIdle();
                    continue;
                }
                batch.add(first);
                // Under a flood, one transaction for what a little while brings: each commit
                // writes pages of its own, and the server is after the same processors. The
                // thread sleeps rather than waits on the queue meanwhile, so that a delivery
                // adding to it wakes nobody (a context switch a message, on two cores).
                Thread.sleep(GATHER_MILLIS);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeCounted(batch);
                batch.clear();
                choresIfDue(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (tasks) {
                for (FutureTask<?> task : tasks) {
                    task.cancel(false);
                }
                tasks.clear();
            }
        }
    }

    private void runTasks() {
        for (FutureTask<?> task = tasks.poll(); task != null; task = tasks.poll()) {
            // A FutureTask keeps what its work threw for the caller waiting on it.
            task.run();
        }
    }

    /** The chores, when idle, or when they have not been done for a while. */
    private void choresIfDue(boolean idle) {
        long now = System.nanoTime();
        if (!idle && now - choresDone < TimeUnit.MILLISECONDS.toNanos(CHORES_MILLIS)) {
            return;
        }
        choresDone = now;
        try {
            chores.run();
        } catch (RuntimeException e) {
            problems.accept("the message index's thread failed at a chore: " + e);
        }
    }

    /** Adds every copy queued now. */
    private void writeQueued() {
        List<Delivered> batch = new ArrayList<>();
        while (queue.drainTo(batch, MAX_BATCH) > 0) {
            writeCounted(batch);
            batch.clear();
        }
    }

    private void writeCounted(List<Delivered> batch) {
        try {
            write(batch);
        } catch (RuntimeException e) {
            problems.accept("the message index could not take " + batch.size() + " messages: " + e);
        } finally {
            synchronized (progress) {
                written += batch.size();
                progress.notifyAll();
            }
        }
    }

    private void write(List<Delivered> batch) {
        checkpointed = false;
        List<MessageIndex.NewEntry> entries = new ArrayList<>();
        Map<String, Long> identities = new HashMap<>();
        for (Delivered delivered : batch) {
            Envelope envelope = delivered.envelope();
            Arrival arrival = arrival(envelope);
            for (StoredCopy copy : delivered.copies()) {
                long[] place = rewrites.placeNow(copy.recipient(), delivered.files().get(copy.recipient()),
                        copy.offset());
                if (place == null) {
                    problems.accept("a message delivered to " + copy.recipient() + " (queue id " + envelope.queueId()
                            + ") was not indexed: its mailbox was rewritten too often before it could be; it is in"
                            + " the file, and a restart finds it");
                    continue;
                }
                identities.put(copy.recipient(), place[0]);
                entries.add(new MessageIndex.NewEntry(new IndexedMessage(0, copy.recipient(), place[1],
                        copy.length(), delivered.size(), delivered.received(), envelope.queueId(), envelope.sessionId(),
                        envelope.client(), envelope.heloName(), envelope.sender(), envelope.recipients(), "", "", "", "",
                        "", "", false, false, arrival), null));
            }
        }
        try {
            index.add(entries, identities);
        } catch (IOException e) {
            problems.accept(e.getMessage());
            return;
        }
        changed.accept(mailboxesOf(entries));
    }

    /** How the message of {@code envelope} came: its session's TLS and AUTH, if any. */
    static Arrival arrival(Envelope envelope) {
        TlsInfo tls = envelope.tls();
        AuthInfo auth = envelope.auth();
        return Arrival.of(tls == null ? "" : tls.protocol(), tls == null ? "" : tls.cipher(),
                auth == null ? "" : auth.mechanism(), auth == null ? "" : auth.user());
    }

    /** Summarizes copies in batches while no new ones wait. */
    private void summarizeWhileIdle() {
        try {
            while (queue.isEmpty() && tasks.isEmpty() && !closing) {
                choresIfDue(false);
                List<IndexedMessage> waiting = index.unsummarized(SUMMARY_BATCH);
                if (waiting.isEmpty()) {
                    if (!checkpointed) {
                        // Tried once an idle spell: a failure is told once, not every 100 ms.
                        checkpointed = true;
                        index.checkpoint();
                    }
                    failing = false;
                    summarizedThroughNow();
                    return;
                }
                checkpointed = false;
                List<MessageIndex.NewEntry> done = new ArrayList<>(waiting.size());
                for (IndexedMessage m : waiting) {
                    done.add(summarize(m));
                }
                index.summarize(done);
                changed.accept(mailboxesOf(done));
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                // Told once: the next look, 100 ms on, would most likely fail the same way.
                problems.accept("the message index could not summarize messages: " + e.getMessage());
                failing = true;
            }
            summarizedThroughNow();
        }
    }

    private static Set<String> mailboxesOf(List<MessageIndex.NewEntry> entries) {
        Set<String> addresses = new TreeSet<>();
        for (MessageIndex.NewEntry entry : entries) {
            addresses.add(entry.message().mailbox());
        }
        return addresses;
    }

    /** Everything written so far has its summary (this thread writes, so it knows). */
    private void summarizedThroughNow() {
        synchronized (progress) {
            summarizedThrough = written;
            emptyLooks++;
            progress.notifyAll();
        }
    }

    /** {@code m} with its summary and words; a message its file no longer holds keeps none. */
    private MessageIndex.NewEntry summarize(IndexedMessage m) {
        Path file = files.apply(m.mailbox());
        try {
            if (file == null) {
                throw new IOException("no mailbox " + m.mailbox());
            }
            Parsed parsed = read(file, m.offset(), m.length());
            Summary s = parsed.summary();
            return new MessageIndex.NewEntry(new IndexedMessage(m.id(), m.mailbox(), m.offset(), m.length(),
                    parsed.size(), m.received(), m.queueId(), m.sessionId(), m.client(), m.helo(), m.envelopeFrom(),
                    m.envelopeTo(), s.from(), s.to(), s.cc(), s.subject(), s.date(), s.messageId(), true, m.read(),
                    m.arrival()), parsed.text());
        } catch (IOException e) {
            return new MessageIndex.NewEntry(m, "");
        }
    }

    /** What the index takes from a message: its summary, its size as sent, and the words of its text. */
    private record Parsed(Summary summary, long size, String text) {
    }

    /** Reads the copy of {@code length} bytes at {@code offset} of {@code file} (at most {@link #MAX_READ}) and parses it. */
    private Parsed read(Path file, long offset, long length) throws IOException {
        int wanted = (int) Math.min(length, MAX_READ);
        ByteBuffer bytes = ByteBuffer.allocate(wanted);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (bytes.hasRemaining() && in.read(bytes, offset + bytes.position()) > 0) {
                // read on
            }
        }
        byte[] message = format.unframe(bytes.array(), bytes.position());
        long size = wanted == length ? message.length : length - (wanted - message.length);
        ParsedMessage parsed = MessageParser.parse(message);
        String text = parsed.textBody().or(parsed::htmlBody).orElse("");
        Summary summary = parsed.summary();
        return new Parsed(summary, size, text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text);
    }

    /** Adds what is queued, then stops. */
    @Override
    public void close() {
        synchronized (tasks) {
            closing = true;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
