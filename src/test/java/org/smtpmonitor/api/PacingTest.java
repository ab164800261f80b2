package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.SessionOpened;

/**
 * What {@link Pacing} asks of a request thread: nothing while no mail comes, FACTOR times the
 * request's CPU (at most MAX_PAUSE_NANOS) while it does, nothing again once mail has been
 * quiet for QUIET_NANOS. Times are passed in, so nothing here depends on the machine's speed.
 */
class PacingTest {

    @Test
    void requestsRestOnlyWhileMailIsComing() {
        Pacing pacing = new Pacing();
        long now = System.nanoTime();
        assertEquals(0, pacing.pauseNanos(300_000, now), "no mail yet");

        pacing.accept(new LineReceived(1, "NOOP", Instant.now()));
        assertEquals(0, pacing.pauseNanos(300_000, System.nanoTime()), "a command line is not mail");

        pacing.accept(new MessageDelivered(1, "Q1", "a@x.test", List.of("alice@example.com"), List.of(), 100,
                Instant.now()));
        long afterMail = System.nanoTime();
        assertEquals(300_000L * Pacing.FACTOR, pacing.pauseNanos(300_000, afterMail));
        assertEquals(Pacing.MAX_PAUSE_NANOS, pacing.pauseNanos(50_000_000, afterMail), "one slow request rests at most this");
        assertEquals(0, pacing.pauseNanos(0, afterMail));
        assertEquals(0, pacing.pauseNanos(300_000, afterMail + Pacing.QUIET_NANOS + 1_000_000), "quiet again");

        pacing.accept(new SessionOpened(2, new InetSocketAddress("127.0.0.1", 40000), Instant.now()));
        assertEquals(300_000L * Pacing.FACTOR, pacing.pauseNanos(300_000, System.nanoTime()), "a new session counts");
    }
}
