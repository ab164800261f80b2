package org.smtpmonitor.server;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A run of failed accepts (most often the process out of file descriptors, which fails
 * every accept at once for as long as it lasts): how long the acceptor pauses before
 * trying again, and what it logs. Without both, a server out of descriptors spins on a
 * core and writes a line per try, about 100,000 a second. Times are
 * {@link System#nanoTime()} values, given by the caller. Used by the acceptor thread only.
 */
final class AcceptFailures {

    static final long FIRST_PAUSE_MILLIS = 10;
    static final long LONGEST_PAUSE_MILLIS = 1000;
    /** Between two lines about the same run of failures: a count, not a line per failure. */
    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private long pauseMillis = FIRST_PAUSE_MILLIS;
    private boolean failing;
    private long runStart;
    private long runCount;
    private long reportedAt;
    private long sinceReport;

    /** Accept failed at {@code now} for {@code reason}: returns the line to log, or null for none yet. */
    String failed(String reason, long now) {
        if (!failing) {
            failing = true;
            runStart = now;
            runCount = 1;
            reportedAt = now;
            sinceReport = 0;
            return "accept failed: " + reason + "; " + hint(reason);
        }
        runCount++;
        sinceReport++;
        if (now - reportedAt < REPORT_INTERVAL_NANOS) {
            return null;
        }
        String line = "accept failed: " + reason + " (" + times(sinceReport) + " in " + seconds(now - reportedAt)
                + "); " + hint(reason);
        reportedAt = now;
        sinceReport = 0;
        return line;
    }

    /** How long to pause before the next try: doubling while accept keeps failing, up to a second. */
    long pauseMillis() {
        long pause = pauseMillis;
        pauseMillis = Math.min(pauseMillis * 2, LONGEST_PAUSE_MILLIS);
        return pause;
    }

    /** Accept worked at {@code now}: returns the line that ends a run of failures, or null if there was none. */
    String succeeded(long now) {
        pauseMillis = FIRST_PAUSE_MILLIS;
        if (!failing) {
            return null;
        }
        failing = false;
        return "accept failed " + times(runCount) + " in " + seconds(now - runStart) + " before it worked again";
    }

    private static String hint(String reason) {
        // EMFILE and ENFILE; the text is the JDK's, from strerror.
        return reason.contains("Too many open files") ? "waiting for descriptors to free up" : "retrying";
    }

    private static String times(long count) {
        return count == 1 ? "once" : String.format(Locale.ROOT, "%,d times", count);
    }

    private static String seconds(long nanos) {
        double seconds = nanos / 1e9;
        return seconds < 10 ? String.format(Locale.ROOT, "%.1f s", seconds) : String.format(Locale.ROOT, "%,d s", Math.round(seconds));
    }
}
