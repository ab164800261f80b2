package org.smtpmonitor.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The tests' one polling loop: waits until a condition holds, failing the test after a
 * timeout. For what no event or latch announces (a count on the server, a file's size,
 * what the window shows).
 */
public final class Await {

    /** A condition to poll; if it throws, the wait fails at once. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    // Short pauses first, so a condition met quickly costs little; then a gentler pace.
    private static final long FIRST_PAUSE_MILLIS = 5;
    private static final long LONGEST_PAUSE_MILLIS = 50;

    private Await() {
    }

    /** Waits until {@code condition} holds; an {@link AssertionError} names {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws InterruptedException {
        until(what, timeout, condition, null);
    }

    /** As {@link #until(String, Duration, Condition)}; on timeout the error also tells {@code state}, read then. */
    public static void until(String what, Duration timeout, Condition condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (!holds(what, condition)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what
                        + (state == null ? "" : "; " + state.get()));
            }
            Thread.sleep(pause);
            pause = Math.min(2 * pause, LONGEST_PAUSE_MILLIS);
        }
    }

    private static boolean holds(String what, Condition condition) throws InterruptedException {
        try {
            return condition.holds();
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("checking whether " + what + ": " + e, e);
        }
    }
}
