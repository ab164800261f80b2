package org.smtpmonitor.ui;

/**
 * The longest gap between two FX pulses seen since the last reset: how long the window
 * was unable to repaint or answer the user. Written on the FX thread, read by anyone.
 */
final class PulseStatistics {

    private long last;
    private volatile long longestGapNanos;
    private volatile long pulses;

    void pulse(long now) {
        if (last != 0) {
            long gap = now - last;
            if (gap > longestGapNanos) {
                longestGapNanos = gap;
            }
        }
        last = now;
        pulses++;
    }

    /** Starts measuring afresh from the next pulse (call on the FX thread). */
    void reset() {
        last = 0;
        longestGapNanos = 0;
        pulses = 0;
    }

    long longestGapNanos() {
        return longestGapNanos;
    }

    long pulses() {
        return pulses;
    }
}
