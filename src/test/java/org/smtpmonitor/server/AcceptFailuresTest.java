package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What the acceptor waits and logs while accept keeps failing (times are given, not measured). */
class AcceptFailuresTest {

    private static final String EMFILE = "Too many open files";
    private static final long MILLIS = 1_000_000;
    private static final long SECONDS = 1_000_000_000;

    private final AcceptFailures failures = new AcceptFailures();

    @Test
    void pausesDoubleFromTenMillisecondsToOneSecondAndStartOverAfterASuccess() {
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            failures.failed(EMFILE, i * MILLIS);
            pauses.add(failures.pauseMillis());
        }
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L), pauses);
        failures.succeeded(10 * MILLIS);
        failures.failed(EMFILE, 11 * MILLIS);
        assertEquals(10, failures.pauseMillis());
    }

    @Test
    void theFirstFailureIsLoggedThenOnlyACountEveryFiveSeconds() {
        assertEquals("accept failed: Too many open files; waiting for descriptors to free up",
                failures.failed(EMFILE, 0));
        for (int i = 1; i < 1234; i++) {
            assertNull(failures.failed(EMFILE, i * 4 * MILLIS), "failure " + i);
        }
        assertEquals("accept failed: Too many open files (1,234 times in 5.0 s); waiting for descriptors to free up",
                failures.failed(EMFILE, 5 * SECONDS));
        assertNull(failures.failed(EMFILE, 6 * SECONDS));
        assertEquals("accept failed: Too many open files (2 times in 5.0 s); waiting for descriptors to free up",
                failures.failed(EMFILE, 10 * SECONDS));
    }

    @Test
    void aSuccessEndsTheRunWithItsTotalAndTheNextFailureIsLoggedAgain() {
        failures.failed(EMFILE, 0);
        failures.failed(EMFILE, 6 * SECONDS);
        failures.failed(EMFILE, 7 * SECONDS);
        assertEquals("accept failed 3 times in 12 s before it worked again", failures.succeeded(12 * SECONDS));
        assertNull(failures.succeeded(13 * SECONDS));
        assertEquals("accept failed: Too many open files; waiting for descriptors to free up",
                failures.failed(EMFILE, 14 * SECONDS));
    }

    @Test
    void otherFailuresAreRetriedWithTheSamePauses() {
        assertEquals("accept failed: Network is down; retrying", failures.failed("Network is down", 0));
        assertEquals(10, failures.pauseMillis());
        assertEquals(20, failures.pauseMillis());
    }
}
