package org.smtpmonitor.testing;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of {@code GET /api/events} on the JDK's HttpClient: parses the Server-Sent Events
 * as they come, each with the time it arrived, and lets a test wait for the one it wants.
 */
public final class SseEvents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: its {@code id:}, {@code event:} and {@code data:} (parsed), and when it arrived ({@link System#nanoTime}). */
    public record Event(long id, String type, JsonNode data, long arrivedNanos) {
    }

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile Stream<String> lines;
    private volatile int status;

    private SseEvents() {
    }

    /**
     * Subscribes with {@code request} (a GET of {@code /api/events...}) and returns once the
     * server says {@code : subscribed}, so that no later event is missed.
     */
    public static SseEvents subscribe(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        SseEvents sse = new SseEvents();
        HttpResponse<Stream<String>> response;
        try {
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("cannot subscribe: " + e, e);
        }
        sse.status = response.statusCode();
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/events answered " + response.statusCode());
        }
        sse.lines = response.body();
        Thread reader = new Thread(sse::read, "test-sse-reader");
        reader.setDaemon(true);
        reader.start();
        if (!sse.subscribed.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no ': subscribed' within 10 s");
        }
        return sse;
    }

    private void read() {
        long id = 0;
        String type = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.equals(": subscribed")) {
                    subscribed.countDown();
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.isEmpty() && type != null) {
                    events.add(new Event(id, type, JSON.readTree(data.toString()), System.nanoTime()));
                    type = null;
                    data.setLength(0);
                }
            }
            ended.complete(null);
        } catch (Exception e) {
            ended.completeExceptionally(e);
        }
    }

    /** The next event of {@code type} matching {@code matches}, skipping others; fails after {@code timeout}. */
    public Event await(String type, Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no " + type + " event within " + timeout.toMillis() + " ms");
            }
            if (event.type().equals(type) && matches.test(event.data())) {
                return event;
            }
        }
    }

    /** The next event of any type, or null after {@code timeout}. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Completes when the server has ended the stream. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    public int status() {
        return status;
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
        }
    }
}
