package org.smtpmonitor.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget for message data held in memory. Every connection reserves its
 * message buffer here before it allocates it, and gives it back when it drops the buffer,
 * so that many large messages at once get a 452 instead of exhausting the heap (an
 * {@link OutOfMemoryError} would take the whole server down). Thread-safe: the event
 * loops share one.
 */
public final class MemoryBudget {

    private final long limit;
    private final AtomicLong inUse = new AtomicLong();

    MemoryBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the memory budget must be positive, not " + limit);
        }
        this.limit = limit;
    }

    /** The most bytes of message data held at once. */
    public long limit() {
        return limit;
    }

    /** The bytes reserved right now. */
    public long inUse() {
        return inUse.get();
    }

    /**
     * Reserves {@code wanted} more bytes for a holder that already has {@code held}. When that
     * would pass the limit, the holder gives up: its {@code held} bytes are given back in the
     * same atomic step, and the answer is false. So of two holders refused at the same moment,
     * the later one sees what the earlier one gave back, and at least one of them goes on.
     */
    boolean reserveOrGiveUp(long wanted, long held) {
        while (true) {
            long now = inUse.get();
            boolean fits = now + wanted <= limit;
            if (inUse.compareAndSet(now, fits ? now + wanted : now - held)) {
                return fits;
            }
        }
    }

    /** Gives back {@code bytes} reserved before. */
    void release(long bytes) {
        if (bytes != 0) {
            inUse.addAndGet(-bytes);
        }
    }
}
