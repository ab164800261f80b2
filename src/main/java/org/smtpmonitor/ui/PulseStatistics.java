package org.smtpmonitor.ui;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The longest gap between two FX pulses seen since the last reset: how long the window
 * was unable to repaint or answer the user. Written on the FX thread, read by anyone.
 */
final class PulseStatistics {

    private long first;
    private long last;
    private volatile long longestGapNanos;
    private volatile long longestGapAt;
    private volatile long pulses;
    private volatile long gapsOver100ms;
    /** The longest gap since {@link #takeLongestGapNanos()} was last called, for a log read off the FX thread. */
    private final AtomicLong sinceTaken = new AtomicLong();

    void pulse(long now) {
        if (last != 0) {
            long gap = now - last;
            if (gap > longestGapNanos) {
                longestGapNanos = gap;
                longestGapAt = last - first;
            }
            if (gap > 100_000_000L) {
                gapsOver100ms++;
            }
            if (gap > sinceTaken.get()) {
                sinceTaken.set(gap);
            }
        } else {
            first = now;
        }
        last = now;
        pulses++;
    }

    /** Starts measuring afresh from the next pulse (call on the FX thread). */
    void reset() {
        last = 0;
        longestGapNanos = 0;
        longestGapAt = 0;
        pulses = 0;
        gapsOver100ms = 0;
    }

    /** When the longest gap began, in nanoseconds after the first pulse measured. */
    long longestGapAtNanos() {
        return longestGapAt;
    }

    long gapsOver100ms() {
        return gapsOver100ms;
    }

    long longestGapNanos() {
        return longestGapNanos;
    }

    /** The longest gap since the last call (from any thread), and starts that measure afresh. */
    long takeLongestGapNanos() {
        return sinceTaken.getAndSet(0);
    }

    long pulses() {
        return pulses;
    }
}
