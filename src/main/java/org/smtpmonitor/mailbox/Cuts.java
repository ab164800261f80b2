package org.smtpmonitor.mailbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The byte ranges a rewrite cuts from a mailbox file: sorted, apart from one another
 * (ranges that touch are one), each with the bytes cut before it, so that where a kept
 * byte lands in the new file is one binary search.
 */
final class Cuts {

    private final long[] starts;
    private final long[] ends;
    /** Bytes cut up to the end of each range. */
    private final long[] through;

    private Cuts(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
        this.through = new long[starts.length];
        long total = 0;
        for (int i = 0; i < starts.length; i++) {
            total += ends[i] - starts[i];
            through[i] = total;
        }
    }

    /** The ranges {start, end} given, in any order; empty ones are left out. */
    static Cuts of(List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.removeIf(r -> r[1] <= r[0]);
        sorted.sort(Comparator.comparingLong(r -> r[0]));
        long[] starts = new long[sorted.size()];
        long[] ends = new long[sorted.size()];
        int n = 0;
        for (long[] range : sorted) {
            if (n > 0 && range[0] <= ends[n - 1]) {
                ends[n - 1] = Math.max(ends[n - 1], range[1]);
            } else {
                starts[n] = range[0];
                ends[n] = range[1];
                n++;
            }
        }
        return new Cuts(Arrays.copyOf(starts, n), Arrays.copyOf(ends, n));
    }

    int count() {
        return starts.length;
    }

    boolean isEmpty() {
        return starts.length == 0;
    }

    long start(int i) {
        return starts[i];
    }

    long end(int i) {
        return ends[i];
    }

    /** The bytes cut up to the end of range {@code i}. */
    long through(int i) {
        return through[i];
    }

    long total() {
        return starts.length == 0 ? 0 : through[starts.length - 1];
    }

    /** The end of the last range; 0 when there is none. */
    long last() {
        return starts.length == 0 ? 0 : ends[starts.length - 1];
    }

    /** Whether byte {@code offset} is cut. */
    boolean cuts(long offset) {
        int i = lastStartingAtOrBefore(offset);
        return i >= 0 && offset < ends[i];
    }

    /** Where byte {@code offset} of the old file (a kept one, or the end of a range) lies in the new file. */
    long shifted(long offset) {
        int i = lastStartingAtOrBefore(offset);
        if (i >= 0 && offset < ends[i]) {
            i--;
        }
        return i < 0 ? offset : offset - through[i];
    }

    private int lastStartingAtOrBefore(long offset) {
        int found = Arrays.binarySearch(starts, offset);
        return found >= 0 ? found : -found - 2;
    }

    /** As text for the index: {@code start-end,start-end}. */
    String encode() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            text.append(i == 0 ? "" : ",").append(starts[i]).append('-').append(ends[i]);
        }
        return text.toString();
    }

    static Cuts decode(String text) {
        List<long[]> ranges = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String range : text.split(",")) {
                int dash = range.indexOf('-');
                ranges.add(new long[] {Long.parseLong(range.substring(0, dash)), Long.parseLong(range.substring(dash + 1))});
            }
        }
        return of(ranges);
    }
}
