package org.smtpmonitor.client;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;

/**
 * Drives every connection of a benchmark from one thread with a {@link Selector}.
 *
 * <p>Why not a thread per connection with blocking reads: every reply then costs a thread a
 * sleep and a wake-up, and on a small machine the generator spent more CPU on that than the
 * server it measured (about 4 context switches per lock-step message). One event loop wakes
 * once for all the replies that are in, as Postfix's own smtp-source does.
 */
final class BenchLoop {

    private BenchLoop() {
    }

    /**
     * Starts every connection at once and runs until each has ended. A connection that gets
     * no reply for {@code timeout} is ended.
     */
    static void run(Selector selector, List<BenchConnection> connections, Duration timeout) throws IOException {
        long timeoutNanos = timeout.toNanos();
        long tickMillis = Math.max(1, Math.min(100, timeout.toMillis() / 4));
        for (BenchConnection connection : connections) {
            connection.start();
        }
        long lastCheck = System.nanoTime();
        while (!allClosed(connections)) {
            selector.select(BenchLoop::handle, tickMillis);
            long now = System.nanoTime();
            if (now - lastCheck >= tickMillis * 1_000_000L) {
                lastCheck = now;
                for (BenchConnection connection : connections) {
                    if (!connection.isClosed() && now - connection.lastProgress() > timeoutNanos) {
                        connection.end("no reply from the server within " + ConnectionProblem.format(timeout));
                    }
                }
            }
        }
    }

    private static void handle(SelectionKey key) {
        BenchConnection connection = (BenchConnection) key.attachment();
        if (key.isValid() && key.isWritable()) {
            connection.onWritable();
        }
        if (key.isValid() && key.isReadable()) {
            connection.onReadable();
        }
    }

    private static boolean allClosed(List<BenchConnection> connections) {
        for (BenchConnection connection : connections) {
            if (!connection.isClosed()) {
                return false;
            }
        }
        return true;
    }
}
