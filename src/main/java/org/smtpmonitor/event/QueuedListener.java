package org.smtpmonitor.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A listener that hands events to a slow consumer on a thread of its own, so that the
 * publishing server thread never waits.
 *
 * <p>Publishing is a lock-free enqueue: no thread is woken per event (on a busy server
 * that wake-up would cost a system call for every line of every session). The consumer
 * thread instead drains whatever has queued up every {@code interval}, as one batch.
 * The queue is bounded: when the consumer falls that far behind, further events are
 * dropped and counted, and {@code onDropped} is told how many before the next batch.
 */
public final class QueuedListener implements Consumer<SessionEvent>, AutoCloseable {

    private final ConcurrentLinkedQueue<SessionEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final long intervalNanos;
    private final Consumer<? super List<SessionEvent>> consumer;
    private final Consumer<Long> onDropped;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param interval  how often queued events are handed to the consumer
     * @param consumer  gets the events in order, in batches of whatever has queued up
     * @param onDropped gets the number of events dropped since it was last called
     */
    public QueuedListener(String name, int capacity, long interval, TimeUnit unit,
                          Consumer<? super List<SessionEvent>> consumer, Consumer<Long> onDropped) {
        this.capacity = capacity;
        this.intervalNanos = unit.toNanos(interval);
        this.consumer = consumer;
        this.onDropped = onDropped;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(SessionEvent event) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(event);
    }

    private void run() {
        List<SessionEvent> batch = new ArrayList<>();
        while (true) {
            boolean last = closed;
            drainInto(batch);
            if (!batch.isEmpty()) {
                try {
                    consumer.accept(batch);
                } catch (RuntimeException e) {
                    System.err.println("smtp-monitor: " + thread.getName() + " failed: " + e);
                }
                batch.clear();
            }
            if (last) {
                return;
            }
            LockSupport.parkNanos(this, intervalNanos);
        }
    }

    private void drainInto(List<SessionEvent> batch) {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            try {
                onDropped.accept(lost);
            } catch (RuntimeException e) {
                System.err.println("smtp-monitor: " + thread.getName() + " failed: " + e);
            }
        }
        SessionEvent event;
        while ((event = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(event);
        }
    }

    /** Hands over what is queued, then stops the thread (waits at most two seconds). */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        LockSupport.unpark(thread);
        thread.join(2000);
    }
}
