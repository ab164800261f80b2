package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Assertions on the API's JSON. */
final class JsonAssert {

    private JsonAssert() {
    }

    /** The array of mailboxes has {@code address} with {@code messages} messages. */
    static void mailbox(JsonNode mailboxes, String address, int messages) {
        for (JsonNode m : mailboxes) {
            if (m.get("address").asText().equals(address)) {
                assertEquals(messages, m.get("messages").asInt(), address);
                return;
            }
        }
        throw new AssertionError("no mailbox " + address + " in " + mailboxes);
    }

    /** The page of messages has exactly these subjects, in order. */
    static void subjects(JsonNode page, String... subjects) {
        List<String> have = new ArrayList<>();
        page.get("messages").forEach(m -> have.add(m.get("subject").asText()));
        assertEquals(Arrays.asList(subjects), have, page.toString());
    }
}
