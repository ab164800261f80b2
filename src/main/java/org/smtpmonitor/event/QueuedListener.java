package org.smtpmonitor.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A listener that hands events to a slow consumer on a thread of its own, so that the
 * publishing server thread never waits. The queue is bounded: when the consumer falls
 * that far behind, further events are dropped and counted, and the consumer is told
 * how many through {@code onDropped} before the next event it gets.
 */
public final class QueuedListener implements Consumer<SessionEvent>, AutoCloseable {

    private final BlockingQueue<SessionEvent> queue;
    private final Consumer<? super List<SessionEvent>> consumer;
    private final Consumer<Long> onDropped;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param consumer  gets the events in order, in batches of whatever has queued up
     * @param onDropped gets the number of events dropped since it was last called
     */
    public QueuedListener(String name, int capacity, Consumer<? super List<SessionEvent>> consumer,
                          Consumer<Long> onDropped) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.consumer = consumer;
        this.onDropped = onDropped;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(SessionEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        List<SessionEvent> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                SessionEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    onDropped.accept(lost);
                }
                batch.add(first);
                queue.drainTo(batch);
                consumer.accept(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                System.err.println("smtp-monitor: " + thread.getName() + " failed: " + e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Delivers what is queued, then stops the thread (waits at most two seconds). */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(2000);
    }
}
