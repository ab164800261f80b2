package org.smtpmonitor.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import org.smtpmonitor.testing.RawSmtpClient;

/**
 * Clients that send {@link NumberedMessages} as fast as a server takes them, across the
 * server's restarts, and remember which ones it acknowledged. Each message gets a number
 * never used before, so a mailbox holding one twice is a duplicate, never a resend.
 * Public for the window's test of a start after a crash; it sends to {@code alice},
 * {@code bob} and {@code carol@example.com}.
 */
public final class NumberedFlood {

    private final AtomicLong next = new AtomicLong();
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final LongFunction<byte[]> content;

    /** A flood of {@link NumberedMessages#content}. */
    public NumberedFlood() {
        this(NumberedMessages::content);
    }

    /** A flood of {@code content(n)}, as {@link NumberedMessages#smallContent}. */
    NumberedFlood(LongFunction<byte[]> content) {
        this.content = content;
    }

    /** What message {@code n} is, as the server must store it in raw format. */
    byte[] content(long n) {
        return content.apply(n);
    }

    /** How many numbers have been handed out: every message begun is below this. */
    long begun() {
        return next.get();
    }

    boolean isAcknowledged(long n) {
        return acknowledged.contains(n);
    }

    /** The messages that got 250, in no order. */
    List<Long> acknowledged() {
        return new ArrayList<>(acknowledged);
    }

    /** Starts {@code clients} threads sending to the server at {@code address} until {@link Round#stop}. */
    public Round start(InetSocketAddress address, int clients) {
        Round round = new Round();
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(() -> round.send(address), "flood-" + i);
            thread.setDaemon(true);
            round.threads.add(thread);
            thread.start();
        }
        return round;
    }

    /** The clients of one server process. */
    public final class Round {

        private final List<Thread> threads = new ArrayList<>();
        private final Queue<RawSmtpClient> connections = new ConcurrentLinkedQueue<>();
        private final Queue<String> problems = new ConcurrentLinkedQueue<>();
        private volatile boolean stopping;

        /**
         * Call just before killing the server: from here on a dropped connection is what
         * the test expects, and a message it cut short was simply not acknowledged.
         */
        public void stopping() {
            stopping = true;
        }

        /**
         * Waits for the clients to finish (after the kill each one sees its connection
         * drop); returns what went wrong before the kill, if anything did.
         */
        public List<String> stop() throws InterruptedException {
            stopping = true;
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (Thread thread : threads) {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (thread.isAlive()) {
                    problems.add(thread.getName() + " still ran 20 s after the server was killed");
                }
            }
            for (RawSmtpClient connection : connections) {
                try {
                    connection.close();
                } catch (IOException ignored) {
                    // Closing only unblocks a stuck client; its problem is recorded already.
                }
            }
            return List.copyOf(problems);
        }

        private void send(InetSocketAddress address) {
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
                connections.add(client);
                String hello = client.command("EHLO flood.test");
                if (!hello.startsWith("250")) {
                    throw new AssertionError("EHLO got " + hello);
                }
                while (!stopping) {
                    long n = next.getAndIncrement();
                    byte[] data = NumberedMessages.dotStuffed(content.apply(n));
                    String reply = client.sendMessage(NumberedMessages.sender(n), NumberedMessages.recipients(n), data);
                    if (!reply.startsWith("250 ")) {
                        throw new AssertionError("message " + n + " got " + reply);
                    }
                    acknowledged.add(n);
                }
            } catch (IOException | AssertionError e) {
                // A connection the kill dropped ends up here too: RawSmtpClient fails on
                // a closed connection with an AssertionError.
                if (!stopping) {
                    problems.add(Thread.currentThread().getName() + ": " + e);
                }
            }
        }
    }
}
