package org.smtpmonitor.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.smtp.StoredCopy;

/**
 * Holds back each delivered message until the index has it, and then hands it on with the
 * id of each copy, so that whoever gets a message-delivered event can fetch the message at
 * once. The server stores a message before its 250, but the index takes it a little later,
 * in batches off the delivery path; the window finds a delivery's copies the same way, by
 * {@link MailboxDirectory#delivered(String, String)}.
 *
 * <p>One thread, {@code api-deliveries}, looks the copies up whenever the index has committed
 * ({@link Monitor#onMailChanged}) or a delivery is queued, and every {@link #RETRY_MILLIS}
 * while any is waiting (so no race between the two can leave one waiting). A delivery whose
 * copies are not all found within {@link #GIVE_UP_MILLIS} (deleted at once, or no index) is
 * handed on with those found. At most {@link #MAX_WAITING} wait; more are handed on at once,
 * without ids. Nothing here runs on the server's threads but the enqueue.
 */
final class DeliveryResolver implements AutoCloseable {

    static final long RETRY_MILLIS = 100;
    static final long GIVE_UP_MILLIS = 10_000;
    static final int MAX_WAITING = 10_000;

    private final ConcurrentLinkedQueue<MessageDelivered> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final BiConsumer<MessageDelivered, Map<String, Long>> resolved;
    private final Thread thread;
    private volatile Monitor monitor;
    private volatile boolean closed;

    /** @param resolved gets each delivery with the id of each copy found, by mailbox, in the order of its copies */
    DeliveryResolver(BiConsumer<MessageDelivered, Map<String, Long>> resolved) {
        this.resolved = resolved;
        this.thread = new Thread(this::run, "api-deliveries");
        thread.setDaemon(true);
    }

    /** Begins looking copies up in {@code monitor}'s index. */
    void start(Monitor monitor) {
        this.monitor = monitor;
        monitor.onMailChanged(addresses -> LockSupport.unpark(thread));
        thread.start();
    }

    /** Queues a delivery; called on a server thread, so it never waits. */
    void add(MessageDelivered delivered) {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            resolved.accept(delivered, Map.of());
            return;
        }
        queued.offer(delivered);
        LockSupport.unpark(thread);
    }

    private record Waiting(MessageDelivered delivered, Map<String, Long> ids, long since) {
    }

    private void run() {
        List<Waiting> pending = new ArrayList<>();
        while (!closed) {
            MessageDelivered next;
            while ((next = queued.poll()) != null) {
                pending.add(new Waiting(next, new LinkedHashMap<>(), System.nanoTime()));
            }
            if (!pending.isEmpty()) {
                lookUp(pending);
            }
            LockSupport.parkNanos(this, pending.isEmpty() ? TimeUnit.SECONDS.toNanos(1)
                    : TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
        }
    }

    private void lookUp(List<Waiting> pending) {
        MailboxDirectory mail;
        try {
            mail = monitor.mail();
        } catch (IOException e) {
            mail = null; // No index: nothing will ever be found.
        }
        for (Iterator<Waiting> it = pending.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            boolean all = mail != null && find(mail, w);
            if (all || mail == null
                    || System.nanoTime() - w.since() > TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MILLIS)) {
                it.remove();
                waiting.decrementAndGet();
                Map<String, Long> ids = new LinkedHashMap<>();
                for (StoredCopy copy : w.delivered().copies()) {
                    Long id = w.ids().get(copy.recipient());
                    if (id != null) {
                        ids.put(copy.recipient(), id);
                    }
                }
                resolved.accept(w.delivered(), ids);
            }
        }
    }

    /** Looks up the copies not found yet; returns whether all are found now. */
    private static boolean find(MailboxDirectory mail, Waiting w) {
        boolean all = true;
        for (StoredCopy copy : w.delivered().copies()) {
            if (w.ids().containsKey(copy.recipient())) {
                continue;
            }
            try {
                Optional<IndexedMessage> found = mail.delivered(w.delivered().queueId(), copy.recipient());
                if (found.isPresent()) {
                    w.ids().put(copy.recipient(), found.get().id());
                } else {
                    all = false;
                }
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
