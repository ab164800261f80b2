package org.smtpmonitor.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;

/**
 * One client of {@code GET /api/events}: a bounded queue of frames, and a writer thread of
 * its own that sends them, so that a client that reads slowly, or not at all, holds up
 * nobody but itself: not the event bus (which only offers to the queue) and not the other
 * clients. A client that falls {@link #QUEUE} frames behind is sent {@code event: overflow}
 * and closed; when even that cannot be written within {@link #STUCK_MILLIS}, its writer is
 * interrupted, which closes the connection under it.
 */
final class SseClient {

    static final int QUEUE = 1_024;
    /** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
    static final long PING_MILLIS = 15_000;
    static final long STUCK_MILLIS = 5_000;
    private static final String END = "\u0000end";
    private static final String PROBE = "\u0000probe";
    private static final String PING = ": ping\n\n";

    private final HttpExchange exchange;
    /** Only message-delivered events with a copy in this mailbox (lower case); null for every event. */
    private final String mailbox;
    private final Runnable onEnd;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE);
    private final Thread writer;
    /** Frames sent before the queue's: what a reconnecting client missed (set before {@link #start}, let go as sent). */
    private ArrayDeque<String> replay = new ArrayDeque<>();
    private volatile boolean overflowed;
    private volatile boolean ended;

    SseClient(HttpExchange exchange, String mailbox, String name, Runnable onEnd) {
        this.exchange = exchange;
        this.mailbox = mailbox == null ? null : mailbox.toLowerCase(Locale.ROOT);
        this.onEnd = onEnd;
        this.writer = new Thread(this::write, name);
        writer.setDaemon(true);
    }

    /** Whether its {@code ?mailbox=} filter takes {@code event}. */
    boolean wants(StreamEvent event) {
        return mailbox == null || event.touches(mailbox);
    }

    /** Frames to send first, after {@code : subscribed} and before any queued one. */
    void replay(List<String> frames) {
        replay = new ArrayDeque<>(frames);
    }

    void start() {
        writer.start();
    }

    /**
     * Queues {@code event} for this client if its filter takes it; never waits. Returns true
     * when the client has fallen too far behind (it is then ended, and {@code event} not queued).
     */
    boolean offer(StreamEvent event) {
        if (ended || overflowed || !wants(event)) {
            return false;
        }
        if (!queue.offer(event.frame())) {
            overflowed = true;
            queue.clear();
            queue.offer(END);
            return true;
        }
        return false;
    }

    /**
     * Asks the writer to write twice now: the second write to a connection the client has
     * closed fails, so a stream whose client has gone is found before the next ping.
     */
    void probe() {
        queue.offer(PROBE);
    }

    /** Whether it has fallen behind and not yet been closed: its writer is to be interrupted if still stuck. */
    boolean stuck() {
        return overflowed && writer.isAlive();
    }

    /** Ends the stream: the writer sends what it is writing, then closes. */
    void end() {
        ended = true;
        queue.offer(END);
        writer.interrupt();
    }

    void interrupt() {
        writer.interrupt();
    }

    void join(long millis) throws InterruptedException {
        writer.join(millis);
    }

    private void write() {
        try (OutputStream out = exchange.getResponseBody()) {
            send(out, "retry: 2000\n: subscribed\n\n");
            StringBuilder batch = new StringBuilder();
            // Stopped by an overflow or an end as the live frames are, below.
            while (!replay.isEmpty() && !ended && !overflowed) {
                batch.setLength(0);
                while (!replay.isEmpty() && batch.length() < 64 * 1024) {
                    batch.append(replay.poll());
                }
                send(out, batch.toString());
            }
            replay.clear();
            while (!ended) {
                String frame = queue.poll(PING_MILLIS, TimeUnit.MILLISECONDS);
                if (overflowed) {
                    send(out, "event: overflow\ndata: {\"error\":\"this client fell more than " + QUEUE
                            + " events behind and is disconnected\"}\n\n");
                    return;
                }
                if (frame == null) {
                    send(out, PING);
                    continue;
                }
                // Whatever else has queued goes out in the same write.
                batch.setLength(0);
                while (frame != null) {
                    if (frame.equals(END) || frame.equals(PROBE)) {
                        send(out, batch.toString());
                        batch.setLength(0);
                        if (frame.equals(END)) {
                            return;
                        }
                        send(out, PING);
                        send(out, PING);
                    } else {
                        batch.append(frame);
                    }
                    frame = batch.length() < 64 * 1024 ? queue.poll() : null;
                }
                if (batch.length() > 0) {
                    send(out, batch.toString());
                }
            }
        } catch (IOException e) {
            // The client went away, or its connection was closed under a stuck write.
        } catch (InterruptedException e) {
            // Ended while waiting for an event.
        } finally {
            ended = true;
            exchange.close();
            onEnd.run();
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
