package org.smtpmonitor.api;

import java.util.function.Consumer;

import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;

/**
 * Mail first: while the SMTP server is taking mail, each API request thread pauses after a
 * request for {@link #FACTOR} times the CPU time the request took, so that clients asking
 * flat out take at most 1/(FACTOR + 1) of a request thread's time from delivery. A suite
 * polling a few times a second never notices (its requests take well under a millisecond);
 * 20 clients polling without pause, on the 2 cores they share with the server, would
 * otherwise take a third of the machine (docs/BENCHMARKS.md). When no mail has come for
 * {@link #QUIET_NANOS}, requests run unpaced.
 *
 * <p>Subscribed to the event bus: it notes the time of each delivery and new session, one
 * volatile write, on the server's threads.
 */
final class Pacing implements Consumer<SessionEvent> {

    /** A paced thread rests this many times what its request took. */
    static final int FACTOR = 7;
    /** The longest rest after one request, so that one slow request does not stall the API. */
    static final long MAX_PAUSE_NANOS = 20_000_000L;
    /** How long after the last delivery or new session the server counts as taking mail. */
    static final long QUIET_NANOS = 250_000_000L;

    private volatile long lastMail = System.nanoTime() - 2 * QUIET_NANOS;

    @Override
    public void accept(SessionEvent event) {
        if (event instanceof MessageDelivered || event instanceof SessionOpened) {
            lastMail = System.nanoTime();
        }
    }

    /** How long a request thread rests at {@code now} after a request that took {@code cpuNanos} of CPU. */
    long pauseNanos(long cpuNanos, long now) {
        if (now - lastMail > QUIET_NANOS || cpuNanos <= 0) {
            return 0;
        }
        return Math.min(cpuNanos * FACTOR, MAX_PAUSE_NANOS);
    }
}
