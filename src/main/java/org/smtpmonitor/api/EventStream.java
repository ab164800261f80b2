package org.smtpmonitor.api;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.MailboxAdded;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.RuleApplied;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.text.Json;
import org.smtpmonitor.text.Printable;

import com.sun.net.httpserver.HttpExchange;

/**
 * {@code GET /api/events}: the server's events as Server-Sent Events ({@code text/event-stream}),
 * so that a test can wait for "the next message to alice" without polling. Each event is
 * <pre>
 * id: N              (rising by one, in the order the API saw them)
 * event: TYPE
 * data: {JSON on one line}
 * (blank line)
 * </pre>
 * The stream begins with {@code retry: 2000} and the comment {@code : subscribed}, sent once
 * the client is subscribed (so an event after that is never missed), and a comment
 * {@code : ping} comes after every 15 s without an event. Times are ISO-8601 instants; every
 * text that came from a client is escaped as {@link Printable} says. The types and their data:
 * <ul>
 * <li>{@code session-opened}: {@code {"sessionId":1,"client":"127.0.0.1:40000","at":"..."}}</li>
 * <li>{@code session-closed}: {@code {"sessionId":1,"reason":"quit","at":"..."}}, reason as
 *     in {@code GET /api/sessions}' {@code outcome} ({@code quit}, {@code client disconnected},
 *     {@code idle timeout}, {@code closed by a rule}...)</li>
 * <li>{@code message-delivered}: {@code {"sessionId":1,"queueId":"...","envelopeFrom":"a@x",
 *     "envelopeTo":["alice@example.com"],"size":1234,"at":"...","messages":[{"id":42,
 *     "mailbox":"alice@example.com"}]}}: one entry in {@code messages} per mailbox the message
 *     was stored in. Sent once the message index has every copy, so that
 *     {@code GET /api/messages/{id}} right after finds it; so it may come a little after the
 *     session's 250, and after its {@code session-closed}. A copy the index does not have
 *     within 10 s (deleted at once, or the index is off) is left out of {@code messages}.
 *     {@code at} is when the message was stored.</li>
 * <li>{@code rule-applied}: {@code {"sessionId":1,"rule":"NAME","action":"reply 452","at":"..."}}</li>
 * <li>{@code client-warning}: {@code {"sessionId":1,"kind":"bare-lf","text":"...","at":"..."}}</li>
 * <li>{@code mailbox-added}: {@code {"address":"new@example.com","at":"..."}}</li>
 * <li>{@code overflow}: {@code {"error":"..."}}, the last event of a client that fell more
 *     than 1,024 events behind; the stream then ends (connect again).</li>
 * <li>{@code missed}: {@code {"lastEventId":N,"error":"..."}}, without an id, first on a
 *     stream asked to resume after an event whose successors are no longer all held.</li>
 * </ul>
 * A client that connects again with the header {@code Last-Event-ID: N} (as a browser's
 * EventSource does by itself) is first sent the events after N that it would have had, then
 * the live ones, none twice and none missed between. The API holds the last {@link #HELD}
 * events ({@link #HELD_BYTES} at most) from when the first stream opened, four times what a
 * client may fall behind before it is cut off; when some after N are gone, or N is not from
 * this run of the server, an event {@code missed} says so before the rest. The ids begin
 * after a number made of the time this run started (its milliseconds times 1,000), so an id
 * of an earlier run is below every id of this one, and is known for one.
 * {@code ?mailbox=ADDR} (any case) limits the stream to the message-delivered events with a
 * copy in that mailbox: a test waiting for alice's next message gets nothing else. At most
 * {@link #MAX_CLIENTS} streams are open at once; one more gets 503.
 *
 * <p>Threads: the listener runs on the server's threads and only offers each event to each
 * client's bounded queue (see {@link SseClient}); each client has a writer thread of its own,
 * so a stream holds none of the API's request threads; deliveries wait for the index on
 * {@link DeliveryResolver}'s thread. Until the first stream opens, events cost nothing more.
 */
final class EventStream implements Consumer<SessionEvent>, AutoCloseable {

    static final int MAX_CLIENTS = 64;
    /** The events kept for clients that connect again: a client cut off for falling behind finds its own there. */
    static final int HELD = 4 * SseClient.QUEUE;
    /** And at most this much of them (the latest is always held). */
    static final long HELD_BYTES = 8L << 20;
    /** How long a request waits for probed streams to be let go when all are taken. */
    static final long PROBE_MILLIS = 300;

    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final AtomicInteger clientNames = new AtomicInteger();
    /** This run's ids are above it: the time it started, in milliseconds, times 1,000 (below 2^53, as JavaScript needs). */
    private final long firstId = System.currentTimeMillis() * 1_000;
    private final AtomicLong ids = new AtomicLong(firstId);
    /** The latest events, oldest first; under the lock of {@link #ids}. */
    private final ArrayDeque<StreamEvent> history = new ArrayDeque<>();
    private long historyBytes;
    /** From the first stream on, every event is numbered and held, listened to or not. */
    private volatile boolean recording;
    private final DeliveryResolver deliveries = new DeliveryResolver(this::delivered);
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "api-events-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /** Begins resolving deliveries in {@code monitor}'s index, and adds the route to {@code api}. */
    void start(Monitor monitor, ApiServer api) {
        deliveries.start(monitor);
        api.route("GET", "/api/events", this::subscribe, "mailbox");
    }

    @Override
    public void accept(SessionEvent event) {
        if (!recording) {
            return;
        }
        if (event instanceof MessageDelivered e) {
            deliveries.add(e);
        } else if (event instanceof SessionOpened e) {
            send("session-opened", Json.object().field("sessionId", e.sessionId())
                    .field("client", EventText.address(e.client())).field("at", e.at().toString()), Set.of());
        } else if (event instanceof SessionClosed e) {
            send("session-closed", Json.object().field("sessionId", e.sessionId())
                    .field("reason", e.reason().label()).field("at", e.at().toString()), Set.of());
        } else if (event instanceof RuleApplied e) {
            send("rule-applied", Json.object().field("sessionId", e.sessionId())
                    .field("rule", Printable.escape(e.rule())).field("action", Printable.escape(e.action()))
                    .field("at", e.at().toString()), Set.of());
        } else if (event instanceof ClientWarning e) {
            send("client-warning", Json.object().field("sessionId", e.sessionId())
                    .field("kind", Printable.escape(e.kind())).field("text", Printable.escape(e.text()))
                    .field("at", e.at().toString()), Set.of());
        } else if (event instanceof MailboxAdded e) {
            send("mailbox-added", Json.object().field("address", Printable.escape(e.address()))
                    .field("at", e.at().toString()), Set.of());
        }
    }

    /** A delivery the index has (or has given up on), with its copies' ids by mailbox. */
    private void delivered(MessageDelivered e, Map<String, Long> copies) {
        List<Map.Entry<String, Long>> found = new ArrayList<>(copies.entrySet());
        Set<String> mailboxes = new HashSet<>();
        e.copies().forEach(copy -> mailboxes.add(copy.recipient().toLowerCase(Locale.ROOT)));
        send("message-delivered", Json.object().field("sessionId", e.sessionId())
                .field("queueId", e.queueId()).field("envelopeFrom", Printable.escape(e.sender()))
                .field("envelopeTo", e.recipients().stream().map(Printable::escape).toList())
                .field("size", e.size()).field("at", e.at().toString())
                .objects("messages", found, m -> Json.object().field("id", m.getValue())
                        .field("mailbox", Printable.escape(m.getKey()))), mailboxes);
    }

    private void send(String type, Json.Fields data, Set<String> mailboxes) {
        List<SseClient> behind = new ArrayList<>();
        // Numbered and queued under one lock: events come from the server's threads and the
        // deliveries thread at once, and each stream must see its ids in order.
        synchronized (ids) {
            StreamEvent event = StreamEvent.of(ids.incrementAndGet(), type, data.toString(), mailboxes);
            history.addLast(event);
            historyBytes += event.bytes();
            while (history.size() > HELD || historyBytes > HELD_BYTES && history.size() > 1) {
                historyBytes -= history.removeFirst().bytes();
            }
            for (SseClient client : clients) {
                if (client.offer(event)) {
                    behind.add(client);
                }
            }
        }
        for (SseClient client : behind) {
            // Fell behind: its writer says so and ends; if the writer is stuck in a write, end it.
            try {
                watchdog.schedule(() -> {
                    if (client.stuck()) {
                        client.interrupt();
                    }
                }, SseClient.STUCK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Closing: every stream is being ended anyway.
            }
        }
    }

    private void subscribe(Request request) throws IOException, ApiException {
        String mailbox = request.query("mailbox");
        if (mailbox != null && mailbox.isBlank()) {
            throw ApiException.badRequest("mailbox must be an address, such as ?mailbox=alice@example.com");
        }
        Long after = lastEventId(request);
        HttpExchange exchange = request.exchange();
        if (request.method().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        if (closed) {
            throw new ApiException(503, "the API is shutting down");
        }
        if (!admit()) {
            throw new ApiException(503, "too many event streams are open (at most " + MAX_CLIENTS
                    + "); close one and try again");
        }
        SseClient[] self = new SseClient[1];
        self[0] = new SseClient(exchange, mailbox, "api-events-" + clientNames.incrementAndGet(), () -> {
            if (clients.remove(self[0])) {
                clientCount.decrementAndGet();
            }
        });
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
            // When the stream ends, so does the connection: a client that reads on sees its end.
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            // Subscribed before the headers go out, so that a client that has them misses nothing
            // after; what it missed before is taken under the same lock, so nothing comes twice.
            synchronized (ids) {
                recording = true;
                self[0].replay(missedSince(after, self[0]));
                clients.add(self[0]);
            }
            exchange.sendResponseHeaders(200, 0);
        } catch (IOException | RuntimeException e) {
            if (clients.remove(self[0])) {
                clientCount.decrementAndGet();
            }
            throw e;
        }
        request.detach();
        self[0].start();
    }

    /** The id of the last event a client had, from its {@code Last-Event-ID} header; null when it sends none. */
    private static Long lastEventId(Request request) throws ApiException {
        String value = request.exchange().getRequestHeaders().getFirst("Last-Event-ID");
        if (value == null || value.isBlank()) {
            return null;
        }
        String id = value.strip();
        if (!id.matches("[0-9]{1,18}")) {
            throw ApiException.badRequest("Last-Event-ID must be the id of an event this API sent, a whole number");
        }
        return Long.parseLong(id);
    }

    /**
     * The frames a client that had every event up to {@code after} (and {@code client}'s filter
     * takes) has not had, preceded by a {@code missed} event when some are no longer held or
     * {@code after} is not from this run; nothing when {@code after} is null. Under the lock of {@link #ids}.
     */
    private List<String> missedSince(Long after, SseClient client) {
        if (after == null) {
            return List.of();
        }
        long last = ids.get();
        long oldest = history.isEmpty() ? last + 1 : history.peekFirst().id();
        List<String> frames = new ArrayList<>();
        long from = after;
        if (after > last || after < firstId) {
            frames.add(missed(after, "event " + after + " is not from this run of the server; "
                    + (last == firstId ? "it has sent none yet" : "the events of this run it holds follow")
                    + (oldest > firstId + 1 && last > firstId ? " (those before " + oldest + " are no longer held)" : "")));
            from = firstId;
        } else if (after < oldest - 1) {
            frames.add(missed(after, "events " + (after + 1) + " to " + (oldest - 1) + " are no longer held (the API"
                    + " holds the last " + HELD + " events, " + (HELD_BYTES >> 20) + " MB at most)"));
        }
        for (StreamEvent event : history) {
            if (event.id() > from && client.wants(event)) {
                frames.add(event.frame());
            }
        }
        return frames;
    }

    private static String missed(long after, String why) {
        return "event: missed\ndata: " + Json.object().field("lastEventId", after).field("error", why) + "\n\n";
    }

    /**
     * Counts one more client, if there is room. When there is none, every stream is probed
     * first, and those whose clients have gone are let go (a stream learns that only when it
     * writes, which a quiet stream does once per ping): a test suite that opens a stream per
     * test and drops it must not find the streams all taken by the dead.
     */
    private boolean admit() {
        if (clientCount.incrementAndGet() <= MAX_CLIENTS) {
            return true;
        }
        clientCount.decrementAndGet();
        clients.forEach(SseClient::probe);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
        while (System.nanoTime() < deadline) {
            if (clientCount.incrementAndGet() <= MAX_CLIENTS) {
                return true;
            }
            clientCount.decrementAndGet();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Ends every stream (each writer sends what it has and closes) and stops the threads. */
    @Override
    public void close() {
        closed = true;
        deliveries.close();
        watchdog.shutdownNow();
        for (SseClient client : clients) {
            client.end();
        }
        for (SseClient client : clients) {
            try {
                client.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
