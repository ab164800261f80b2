package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.SseEvents;
import org.smtpmonitor.testing.TestApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/events} with {@code Last-Event-ID}, as a client that lost its stream (or an
 * EventSource, which sends the header by itself) connects again: the events after that id
 * come first, then the live ones, every id once and in order; what is no longer held, or an
 * id of another run, is said in a {@code missed} event; a header that is not an id is a 400.
 */
class EventReplayApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

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

    private SseEvents subscribe(String pathAndQuery, Long lastEventId) throws Exception {
        var request = api.request(pathAndQuery).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        SseEvents sse = SseEvents.subscribe(api.http(), request.build());
        open.add(sse);
        return sse;
    }

    private void mail(String sender, String recipient) throws IOException {
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            String reply = client.sendMessage(sender, List.of(recipient), "Subject: replay\r\n\r\nbody\r\n");
            assertTrue(reply.startsWith("250 "), reply);
            assertEquals(221, client.readCodeOf("QUIT"));
        }
    }

    /** Events of {@code sse} up to and including the message-delivered from {@code sender}. */
    private static List<SseEvents.Event> until(SseEvents sse, String sender) throws InterruptedException {
        List<SseEvents.Event> events = new ArrayList<>();
        while (true) {
            SseEvents.Event event = sse.next(WAIT);
            assertNotNull(event, "no event within " + WAIT + " after " + events);
            events.add(event);
            if (event.type().equals("message-delivered") && event.data().get("envelopeFrom").asText().equals(sender)) {
                return events;
            }
        }
    }

    private static void assertIdsFollowOn(long after, List<SseEvents.Event> events) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(after + 1 + i, events.get(i).id(), "every id once, in order, none missed: " + events);
        }
    }

    @Test
    void connectingAgainWithLastEventIdGetsWhatWasMissedThenTheLiveEventsEachOnce() throws Exception {
        api = TestApi.start(directory);
        SseEvents first = subscribe("/api/events", null);
        mail("before@example.org", "alice@example.com");
        List<SseEvents.Event> had = until(first, "before@example.org");
        assertIdsFollowOn(had.get(0).id() - 1, had);
        long lastHad = had.get(had.size() - 1).id();
        first.close();

        mail("away1@example.org", "alice@example.com");
        mail("away2@example.org", "bob@example.com");
        SseEvents again = subscribe("/api/events", lastHad);
        mail("after@example.org", "alice@example.com");

        List<SseEvents.Event> events = until(again, "after@example.org");
        assertIdsFollowOn(lastHad, events);
        List<String> senders = events.stream().filter(e -> e.type().equals("message-delivered"))
                .map(e -> e.data().get("envelopeFrom").asText()).toList();
        assertEquals(List.of("away1@example.org", "away2@example.org", "after@example.org"), senders);
        assertTrue(events.stream().noneMatch(e -> e.type().equals("missed")), events.toString());
    }

    @Test
    void theMailboxFilterAppliesToWhatIsSentAgain() throws Exception {
        api = TestApi.start(directory);
        SseEvents first = subscribe("/api/events", null);
        mail("before@example.org", "bob@example.com");
        long lastHad = until(first, "before@example.org").stream().mapToLong(SseEvents.Event::id).max().orElseThrow();
        first.close();

        mail("to-alice@example.org", "alice@example.com");
        mail("to-bob@example.org", "bob@example.com");
        // What the API holds is what it heard: wait until it has both, then ask for bob's alone.
        SseEvents watcher = subscribe("/api/events", lastHad);
        until(watcher, "to-bob@example.org");
        SseEvents bobs = subscribe("/api/events?mailbox=BOB@example.com", lastHad);
        SseEvents.Event event = bobs.next(WAIT);
        assertNotNull(event);
        assertEquals("message-delivered", event.type());
        assertEquals("to-bob@example.org", event.data().get("envelopeFrom").asText());
        assertNull(bobs.next(Duration.ofMillis(300)), "nothing of alice's, and no session events");
    }

    @Test
    void eventsNoLongerHeldAreSaidMissedAndTheHeldOnesFollow() throws Exception {
        api = TestApi.start(directory);
        SseEvents first = subscribe("/api/events", null);
        // Sessions opened and closed: two events each, more than are held.
        int sessions = EventStream.HELD / 2 + 50;
        for (int i = 0; i < sessions; i++) {
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(api.monitor().address())) {
                assertEquals(221, client.readCodeOf("QUIT"));
            }
        }
        long firstId = 0;
        long last = 0;
        int closed = 0;
        while (closed < sessions) {
            SseEvents.Event event = first.next(WAIT);
            assertNotNull(event, "the sessions' events, " + closed + " closed so far");
            if (firstId == 0) {
                firstId = event.id();
            } else {
                assertEquals(last + 1, event.id());
            }
            last = event.id();
            closed += event.type().equals("session-closed") ? 1 : 0;
        }
        first.close();

        SseEvents again = subscribe("/api/events", firstId);
        SseEvents.Event missed = again.next(WAIT);
        assertNotNull(missed);
        assertEquals("missed", missed.type());
        long oldest = last - EventStream.HELD + 1;
        assertEquals(firstId, missed.data().get("lastEventId").asLong());
        assertTrue(missed.data().get("error").asText().startsWith("events " + (firstId + 1) + " to " + (oldest - 1)
                + " are no longer held"), missed.data().toString());
        for (long id = oldest; id <= last; id++) {
            SseEvents.Event event = again.next(WAIT);
            assertNotNull(event, "held event " + id);
            assertEquals(id, event.id());
        }
        assertNull(again.next(Duration.ofMillis(300)), "no more than was held");
    }

    /** Ids begin above the run's start time (times 1,000): one of an earlier run is lower, one of none higher. */
    @Test
    void anIdFromAnotherRunOfTheServerIsSaidMissedAndThisRunsHeldEventsFollow() throws Exception {
        api = TestApi.start(directory);
        SseEvents first = subscribe("/api/events", null);
        mail("this-run@example.org", "alice@example.com");
        List<SseEvents.Event> had = until(first, "this-run@example.org");
        assertTrue(had.get(0).id() > 1_700_000_000_000_000L, "an id above the start's milliseconds times 1,000: "
                + had.get(0).id());
        first.close();

        for (long other : List.of(12L, had.get(0).id() - 2_000_000, 999_999_999_999_999_999L)) {
            SseEvents sse = subscribe("/api/events", other);
            SseEvents.Event missed = sse.next(WAIT);
            assertNotNull(missed);
            assertEquals("missed", missed.type());
            assertEquals(other, missed.data().get("lastEventId").asLong());
            assertTrue(missed.data().get("error").asText().contains("not from this run"), missed.data().toString());
            List<SseEvents.Event> held = until(sse, "this-run@example.org");
            assertEquals(had.stream().map(SseEvents.Event::id).toList(), held.stream().map(SseEvents.Event::id).toList(),
                    "every event of this run, held, follows");
            sse.close();
        }
    }

    @Test
    void aLastEventIdThatIsNotAnIdIsABadRequest() throws Exception {
        api = TestApi.start(directory);
        for (String bad : List.of("twelve", "-1", "1.5", "99999999999999999999", "12 13")) {
            HttpResponse<String> response = api.http().send(api.request("/api/events").header("Last-Event-ID", bad)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, response.statusCode(), bad);
            JsonNode error = JSON.readTree(response.body());
            assertTrue(error.get("error").asText().contains("Last-Event-ID"), response.body());
        }
        // The refused requests took no stream: all of them can still be opened.
        for (int i = 0; i < EventStream.MAX_CLIENTS; i++) {
            subscribe("/api/events", null);
        }
    }

    @Test
    void curlWithTheHeaderGetsTheEventsAfterIt() throws Exception {
        Curl.assumeInstalled();
        api = TestApi.start(directory);
        SseEvents first = subscribe("/api/events", null);
        mail("one@example.org", "alice@example.com");
        mail("two@example.org", "alice@example.com");
        List<SseEvents.Event> had = until(first, "two@example.org");
        long afterFirst = had.stream().filter(e -> e.type().equals("message-delivered")).findFirst().orElseThrow().id();

        Process curl = new ProcessBuilder(Curl.CURL.toString(), "-sS", "-N", "--max-time", "30",
                "-H", "Last-Event-ID: " + afterFirst, api.api().url() + "/api/events").redirectErrorStream(true).start();
        open.add(curl::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("retry: 2000", out.readLine());
        assertEquals(": subscribed", out.readLine());
        List<String> ids = new ArrayList<>();
        String line;
        String delivered = null;
        while (delivered == null && (line = out.readLine()) != null) {
            if (line.startsWith("id: ")) {
                ids.add(line.substring(4));
            } else if (line.startsWith("data: ") && line.contains("\"envelopeFrom\"")) {
                delivered = JSON.readTree(line.substring(6)).get("envelopeFrom").asText();
            }
        }
        assertEquals("two@example.org", delivered, "the second session's delivery, sent again");
        assertEquals(Long.toString(afterFirst + 1), ids.get(0), "from the event after the header's: " + ids);
    }
}
