package org.smtpmonitor.client;

import java.util.Arrays;

/**
 * Exact percentiles of a set of latencies, by the nearest-rank method: the p-th percentile
 * of n sorted values is the value at rank {@code ceil(p/100 * n)} (1-based), so it is always
 * one of the measured values, never an interpolation.
 */
public final class LatencyStatistics {

    private final long[] sorted;

    private LatencyStatistics(long[] sorted) {
        this.sorted = sorted;
    }

    /**
     * The statistics of the first {@code counts[i]} values of each {@code parts[i]}: each
     * connection of a run fills its own array, merged here once at the end.
     */
    public static LatencyStatistics of(long[][] parts, int[] counts) {
        int total = 0;
        for (int count : counts) {
            total = Math.addExact(total, count);
        }
        long[] all = new long[total];
        int position = 0;
        for (int i = 0; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, all, position, counts[i]);
            position += counts[i];
        }
        Arrays.sort(all);
        return new LatencyStatistics(all);
    }

    /** The statistics of all of {@code values}. */
    public static LatencyStatistics of(long... values) {
        return of(new long[][] {values}, new int[] {values.length});
    }

    public int count() {
        return sorted.length;
    }

    /**
     * The nearest-rank percentile, {@code 0 < p <= 100}; 0 when there are no values (a run
     * in which no transaction succeeded has no latency to show).
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is above 0 and at most 100: " + p);
        }
        if (sorted.length == 0) {
            return 0;
        }
        // The small tolerance keeps e.g. 0.9 * 10 = 9.000000000000002 at rank 9.
        long rank = (long) Math.ceil(p / 100.0 * sorted.length - 1e-9);
        return sorted[(int) Math.max(1, Math.min(rank, sorted.length)) - 1];
    }

    public long max() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }
}
