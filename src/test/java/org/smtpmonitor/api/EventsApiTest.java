package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.SseEvents;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/events} over real HTTP: a subscriber (the JDK's HttpClient, and curl -N)
 * gets the events of real SMTP sessions, a message-delivered within 1 s of the 250 with ids
 * the store knows; a client that never reads holds up neither the server nor the others;
 * the number of streams is capped; the token applies; closing the API ends the streams.
 */
class EventsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The bound, from the 250 of the end of data to the event in the subscriber's hands. */
    private static final long WITHIN_MILLIS = 1_000;

    @TempDir
    Path directory;

    private TestApi api;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private SseEvents subscribe(String pathAndQuery) throws Exception {
        SseEvents sse = SseEvents.subscribe(api.http(), api.request(pathAndQuery).GET().build());
        open.add(sse);
        return sse;
    }

    /** Sends one message to {@code recipients} in a session of its own; returns its 250's arrival ({@link System#nanoTime}). */
    private long mail(List<String> recipients, String subject) throws IOException {
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            String reply = client.sendMessage("sender@example.org", recipients,
                    "Subject: " + subject + "\r\n\r\nbody\r\n");
            long at = System.nanoTime();
            assertTrue(reply.startsWith("250 "), reply);
            assertEquals(221, client.readCodeOf("QUIT"));
            return at;
        }
    }

    private static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    @Test
    void messageDeliveredArrivesWithinOneSecondWithIdsTheStoreKnows() throws Exception {
        api = TestApi.start(directory);
        SseEvents sse = subscribe("/api/events");
        long replied = mail(List.of("alice@example.com", "bob@example.com"), "Within a second");

        SseEvents.Event delivered = sse.await("message-delivered", d -> true, Duration.ofSeconds(10));
        long took = millisBetween(replied, delivered.arrivedNanos());
        assertTrue(took < WITHIN_MILLIS, "message-delivered came " + took + " ms after the 250");

        JsonNode data = delivered.data();
        assertEquals("sender@example.org", data.get("envelopeFrom").asText());
        assertEquals(List.of("alice@example.com", "bob@example.com"),
                JSON.convertValue(data.get("envelopeTo"), List.class));
        assertFalse(data.get("queueId").asText().isEmpty());
        assertTrue(data.get("size").asLong() > 0);
        Map<String, Long> ids = new HashMap<>();
        data.get("messages").forEach(m -> ids.put(m.get("mailbox").asText(), m.get("id").asLong()));
        assertEquals(2, ids.size(), data.toString());
        // At once, no waiting: the index has them (apimail's GET /api/messages/{id} reads the same store).
        for (Map.Entry<String, Long> copy : ids.entrySet()) {
            IndexedMessage message = api.monitor().monitor().mail().message(copy.getValue()).orElseThrow(
                    () -> new AssertionError("message " + copy.getValue() + " is not in the store"));
            assertEquals(copy.getKey(), message.mailbox());
            assertEquals("Within a second", message.subject());
        }
    }

    @Test
    void aSessionsEventsComeInOrderWithItsId() throws Exception {
        api = TestApi.start(directory);
        SseEvents sse = subscribe("/api/events");
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            // A bare LF in the data: a client warning.
            assertTrue(client.sendMessage("sender@example.org", List.of("alice@example.com"),
                    "Subject: lf\r\n\r\nbare\nlf\r\n").startsWith("250 "));
            assertEquals(221, client.readCodeOf("QUIT"));
        }
        SseEvents.Event opened = sse.await("session-opened", d -> true, Duration.ofSeconds(10));
        long session = opened.data().get("sessionId").asLong();
        assertTrue(opened.data().get("client").asText().startsWith("127.0.0.1:"));
        SseEvents.Event warning = sse.await("client-warning", d -> d.get("sessionId").asLong() == session,
                Duration.ofSeconds(10));
        assertEquals("bare-lf", warning.data().get("kind").asText());
        SseEvents.Event closed = sse.await("session-closed", d -> d.get("sessionId").asLong() == session,
                Duration.ofSeconds(10));
        assertEquals("quit", closed.data().get("reason").asText());
        assertTrue(opened.id() < warning.id() && warning.id() < closed.id());
        SseEvents.Event delivered = sse.await("message-delivered", d -> d.get("sessionId").asLong() == session,
                Duration.ofSeconds(10));
        assertEquals("alice@example.com", delivered.data().get("messages").get(0).get("mailbox").asText());
    }

    @Test
    void mailboxFilterGivesOnlyThatMailboxsDeliveries() throws Exception {
        api = TestApi.start(directory);
        SseEvents sse = subscribe("/api/events?mailbox=BOB@example.com");
        mail(List.of("alice@example.com"), "for alice");
        mail(List.of("bob@example.com"), "for bob");
        // Unfiltered, alice's session-opened would come first.
        SseEvents.Event first = sse.next(Duration.ofSeconds(10));
        assertEquals("message-delivered", first.type());
        assertEquals("bob@example.com", first.data().get("messages").get(0).get("mailbox").asText());
        long id = first.data().get("messages").get(0).get("id").asLong();
        assertEquals("for bob", api.monitor().monitor().mail().message(id).orElseThrow().subject());
    }

    @Test
    void aCatchAllsNewMailboxIsAnnouncedAndItsMessageFound() throws Exception {
        api = TestApi.start(directory, TestMonitor.settings(directory).withCatchAll(true), null);
        SseEvents sse = subscribe("/api/events");
        mail(List.of("newcomer@example.net"), "to a new mailbox");
        SseEvents.Event added = sse.await("mailbox-added", d -> true, Duration.ofSeconds(10));
        assertEquals("newcomer@example.net", added.data().get("address").asText());
        SseEvents.Event delivered = sse.await("message-delivered", d -> true, Duration.ofSeconds(10));
        JsonNode copy = delivered.data().get("messages").get(0);
        assertEquals("newcomer@example.net", copy.get("mailbox").asText());
        assertEquals("to a new mailbox", api.monitor().monitor().mail().message(copy.get("id").asLong())
                .orElseThrow().subject());
        assertTrue(added.id() < delivered.id());
    }

    @Test
    void curlWithNoBufferingGetsTheEvents() throws Exception {
        Curl.assumeInstalled();
        api = TestApi.start(directory);
        Process curl = new ProcessBuilder(Curl.CURL.toString(), "-sS", "-N", "--max-time", "30",
                api.api().url() + "/api/events").redirectErrorStream(true).start();
        open.add(curl::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("retry: 2000", out.readLine());
        assertEquals(": subscribed", out.readLine());
        long replied = mail(List.of("bob@example.com"), "curl");
        String line;
        while ((line = out.readLine()) != null && !line.equals("event: message-delivered")) {
            // session-opened, session-closed...
        }
        assertEquals("event: message-delivered", line);
        String data = out.readLine();
        long took = millisBetween(replied, System.nanoTime());
        assertTrue(data.startsWith("data: "), data);
        JsonNode json = JSON.readTree(data.substring(6));
        assertEquals("bob@example.com", json.get("messages").get(0).get("mailbox").asText());
        assertTrue(took < WITHIN_MILLIS, "curl had message-delivered " + took + " ms after the 250");
    }

    @Test
    void aClientThatNeverReadsHoldsUpNeitherDeliveryNorOtherClientsAndIsDisconnected() throws Exception {
        // A rule with a long name on every command of session 1: one rule-applied event per NOOP.
        String rule = "flood-" + "x".repeat(94);
        Path rules = directory.resolve("rules.txt");
        Files.writeString(rules, "[" + rule + "]\non = command\nsession = 1\nreply = 250 ruled\n");
        api = TestApi.start(directory, TestMonitor.settings(directory).withRulesFile(rules), null);
        Socket stuck = new Socket();
        open.add(stuck);
        stuck.setReceiveBufferSize(1024);
        stuck.connect(api.api().address(), 5_000);
        stuck.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        // Subscribed before the flood (else it might get only its last events), then never read again until the end.
        stuck.setSoTimeout(10_000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = stuck.getInputStream();
        while (!got.toString(StandardCharsets.UTF_8).contains(": subscribed\n\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the stream ended before it was subscribed: " + got);
            got.write(b);
        }
        SseEvents alice = subscribe("/api/events?mailbox=alice@example.com");

        // Far more events than the stuck client's queue and socket buffers hold: about 10 MB.
        int batches = 40;
        int batch = 1_000;
        try (RawSmtpClient flood = api.monitor().client()) {
            byte[] noops = "NOOP\r\n".repeat(batch).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < batches; i++) {
                flood.send(noops);
                for (int j = 0; j < batch; j++) {
                    assertEquals("250 ruled", flood.readReply());
                }
            }
        }
        long replied = mail(List.of("alice@example.com"), "after the flood");
        SseEvents.Event delivered = alice.await("message-delivered", d -> true, Duration.ofSeconds(30));
        long took = millisBetween(replied, delivered.arrivedNanos());
        assertTrue(took < WITHIN_MILLIS, "message-delivered came " + took + " ms after the 250");

        // The server let the stuck client go: its place is free (alice's and 62 more streams
        // take the rest). The connection's end is not awaited: the kernel still drains what the
        // server had written at the pace of the 1 KB window's probes, which can take minutes.
        for (int i = 0; i < EventStream.MAX_CLIENTS - 2; i++) {
            subscribe("/api/events");
        }
        Await.until("the stuck client's place is free", Duration.ofSeconds(20), () -> {
            HttpResponse<InputStream> last = api.http().send(api.request("/api/events").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            open.add(last.body());
            return last.statusCode() == 200;
        });
        // What it had, read for a moment: the stream it was sent (how much is up to the kernel).
        stuck.setSoTimeout(1_000);
        byte[] buffer = new byte[65536];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            int n;
            while (System.nanoTime() < deadline && (n = in.read(buffer)) > 0) {
                got.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // A timeout, or the end: what was read is enough.
        }
        String text = got.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("HTTP/1.1 200"), text.substring(0, Math.min(200, text.length())));
        assertTrue(text.contains("event: rule-applied\ndata: {\"sessionId\":1,\"rule\":\"" + rule + "\""));
    }

    @Test
    void streamsAreCappedWith503AndAClosedOnesPlaceIsFreed() throws Exception {
        api = TestApi.start(directory);
        List<Socket> streams = new ArrayList<>();
        for (int i = 0; i < EventStream.MAX_CLIENTS; i++) {
            Socket socket = new Socket();
            open.add(socket);
            socket.connect(api.api().address(), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertEquals("HTTP/1.1 200 OK", status, "stream " + (i + 1));
            streams.add(socket);
        }
        HttpResponse<String> refused = api.get("/api/events");
        assertEquals(503, refused.statusCode());
        assertTrue(JSON.readTree(refused.body()).get("error").asText().contains("at most " + EventStream.MAX_CLIENTS));
        // Other requests are still answered.
        assertEquals(200, api.get("/api/sessions").statusCode());

        streams.get(0).close();
        SseEvents again = subscribe("/api/events");
        assertEquals(200, again.status());
    }

    @Test
    void theTokenAppliesToTheEventStream() throws Exception {
        api = TestApi.start(directory, TestMonitor.settings(directory), "s3cret-t0ken");
        HttpResponse<String> without = api.http().send(HttpRequest.newBuilder(api.uri("/api/events"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, without.statusCode());
        assertFalse(JSON.readTree(without.body()).get("error").asText().isEmpty());
        HttpResponse<String> wrong = api.http().send(HttpRequest.newBuilder(api.uri("/api/events"))
                .header("Authorization", "Bearer nope").timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());

        SseEvents sse = subscribe("/api/events");
        mail(List.of("alice@example.com"), "with a token");
        sse.await("message-delivered", d -> true, Duration.ofSeconds(10));
    }

    @Test
    void closingTheApiEndsTheStreams() throws Exception {
        api = TestApi.start(directory);
        SseEvents first = subscribe("/api/events");
        SseEvents second = subscribe("/api/events?mailbox=alice@example.com");
        api.api().close();
        // Ended cleanly or cut: either way the stream is over.
        for (SseEvents sse : List.of(first, second)) {
            sse.ended().handle((ok, failure) -> true).get(10, TimeUnit.SECONDS);
        }
    }
}
