package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.SessionOpened;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The bounds of the sessions held: the oldest go first, by count and by the text they hold in all. */
class SessionHistoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void open(SessionHistory history, long id) {
        history.accept(new SessionOpened(id, new InetSocketAddress("127.0.0.1", 40000), Instant.now()));
    }

    @Test
    void pastItsCountTheOldestSessionsGo() throws Exception {
        SessionHistory history = new SessionHistory(3, Long.MAX_VALUE);
        for (long id = 1; id <= 5; id++) {
            open(history, id);
        }
        JsonNode list = JSON.readTree(history.list(100));
        assertEquals(3, list.size());
        assertEquals(5, list.get(0).get("id").asLong());
        assertEquals(3, list.get(2).get("id").asLong());
        assertNull(history.session(2));
        assertNotNull(history.session(3));
        // An event of a session let go is ignored.
        history.accept(new LineReceived(1, "NOOP", Instant.now()));
        assertNull(history.session(1));
    }

    @Test
    void pastItsTextTheOldestSessionsGo() throws Exception {
        SessionHistory history = new SessionHistory(100, 10_000 + 8 * HeldSession.LINE_COST);
        open(history, 1);
        open(history, 2);
        String line = "x".repeat(1_000);
        for (int i = 0; i < 6; i++) {
            history.accept(new LineReceived(1, line, Instant.now()));
        }
        assertNotNull(history.session(1));
        for (int i = 0; i < 6; i++) {
            history.accept(new LineReceived(2, line, Instant.now()));
        }
        // Over the bound: session 1, the oldest, went; session 2 stays whole.
        assertNull(history.session(1));
        assertEquals(7, JSON.readTree(history.session(2)).get("transcript").size());
    }
}
