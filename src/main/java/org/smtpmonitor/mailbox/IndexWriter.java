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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.smtpmonitor.message.MessageParser;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Summary;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.StoredCopy;

/**
 * Adds delivered copies to the {@link MessageIndex} on a thread of its own, in batches,
 * once they are on disk: a delivery only puts its copies in a queue, so the index never
 * delays a {@code 250}. Each message is read back from its file (it is in the page cache)
 * and parsed once, however many recipients it has.
 */
final class IndexWriter implements AutoCloseable {

    /** The most copies added in one transaction. */
    private static final int MAX_BATCH = 5_000;
    /** The most bytes of a message read for its summary and the words of its text. */
    static final int MAX_READ = 1024 * 1024;
    /** The most characters of its text indexed for search. */
    static final int MAX_TEXT = 64 * 1024;

    /** Copies made durable together, with the identity of each mailbox file written. */
    record Delivered(Envelope envelope, Instant received, List<StoredCopy> copies, Map<String, Long> identities) {
    }

    private final MessageIndex index;
    private final MailboxFormat format;
    private final Consumer<String> problems;
    private final LinkedBlockingQueue<Delivered> queue = new LinkedBlockingQueue<>();
    private final Object progress = new Object();
    private long queued;
    private long written;
    private volatile boolean closing;
    private final Thread thread;

    IndexWriter(MessageIndex index, MailboxFormat format, Consumer<String> problems) {
        this.index = index;
        this.format = format;
        this.problems = problems;
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

    /** Returns once everything queued before the call is in the index (or failed to get there). */
    void flush() throws InterruptedException {
        synchronized (progress) {
            long target = queued;
            while (written < target && thread.isAlive()) {
                progress.wait(100);
            }
        }
    }

    private void run() {
        List<Delivered> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Delivered first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                problems.accept("the message index could not take " + batch.size() + " messages: " + e);
            } finally {
                synchronized (progress) {
                    written += batch.size();
                    progress.notifyAll();
                }
                batch.clear();
            }
        }
    }

    private void write(List<Delivered> batch) {
        List<MessageIndex.NewEntry> entries = new ArrayList<>();
        Map<String, Long> identities = new HashMap<>();
        for (Delivered delivered : batch) {
            identities.putAll(delivered.identities());
            Parsed parsed = null;
            for (StoredCopy copy : delivered.copies()) {
                try {
                    if (parsed == null) {
                        parsed = read(copy.mailbox(), copy.offset(), copy.length());
                    }
                    entries.add(new MessageIndex.NewEntry(entry(delivered.envelope(), delivered.received(), copy,
                            parsed), parsed.text()));
                } catch (IOException e) {
                    problems.accept("could not index message " + delivered.envelope().queueId() + " in "
                            + copy.mailbox().getFileName() + ": " + e.getMessage());
                }
            }
        }
        try {
            index.add(entries, identities);
        } catch (IOException e) {
            problems.accept(e.getMessage());
        }
    }

    private static IndexedMessage entry(Envelope envelope, Instant received, StoredCopy copy, Parsed parsed) {
        Summary s = parsed.summary();
        return new IndexedMessage(0, copy.recipient(), copy.offset(), copy.length(), parsed.size(), received,
                envelope.queueId(), envelope.sessionId(), envelope.client(), envelope.heloName(), envelope.sender(),
                envelope.recipients(), s.from(), s.to(), s.cc(), s.subject(), s.date(), s.messageId());
    }

    /** What the index takes from a message: its summary, its size as sent, and the words of its text. */
    record Parsed(Summary summary, long size, String text) {
    }

    /** Reads the copy of {@code length} bytes at {@code offset} of {@code file} (at most {@link #MAX_READ}) and parses it. */
    Parsed read(Path file, long offset, long length) throws IOException {
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
        closing = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
