package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.api.ApiMail.error;
import static org.smtpmonitor.api.ApiMail.ids;
import static org.smtpmonitor.api.ApiMail.json;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The mail endpoints over real HTTP with the JDK's HttpClient: every endpoint and every error
 * case of the contract, over mail delivered by SMTP.
 */
class MailApiTest {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final List<String> BAD_IDS = List.of("abc", "0", "-1", "1234567890123456789", "1.5", "%20");

    @TempDir
    Path directory;

    @Test
    void mailboxesListsEveryMailboxWithItsCountAndBytes() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE, BOB), ApiMail.plain(ALICE, "one", "first"));
            ApiMail.send(api, List.of(ALICE), ApiMail.plain(ALICE, "two", "second"));

            JsonNode mailboxes = json(api.get("/api/mailboxes"), 200);

            assertEquals(3, mailboxes.size(), mailboxes.toString());
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            for (JsonNode m : mailboxes) {
                counts.put(m.get("address").asText(), m.get("messages").asLong());
                assertEquals(Files.size(api.monitor().mailbox(m.get("address").asText())), m.get("bytes").asLong(),
                        "bytes is the mailbox file's size");
            }
            assertEquals(Map.of(ALICE, 2L, BOB, 1L, "carol@localhost", 0L), counts);
        }
    }

    @Test
    void messagesArePagedNewestFirstByMailboxInAnyCaseOrAcrossAll() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            for (int i = 1; i <= 5; i++) {
                ApiMail.send(api, List.of(ALICE), ApiMail.plain(ALICE, "alice " + i, "hello " + i));
            }
            ApiMail.send(api, List.of(BOB), ApiMail.plain(BOB, "bob 1", "weekly report"));

            JsonNode first = json(api.get("/api/messages?mailbox=ALICE@Example.COM&size=2"), 200);
            assertEquals(1, first.get("page").asInt());
            assertEquals(2, first.get("size").asInt());
            assertTrue(first.get("more").asBoolean());
            List<Long> page1 = ids(first.get("messages"));
            JsonNode last = json(api.get("/api/messages?mailbox=alice@example.com&size=2&page=3"), 200);
            assertFalse(last.get("more").asBoolean());
            assertEquals(1, last.get("messages").size());
            JsonNode message = first.get("messages").get(0);
            assertEquals("alice 5", message.get("subject").asText(), "newest first");
            assertEquals(ALICE, message.get("mailbox").asText());
            for (String field : List.of("id", "mailbox", "received", "envelopeFrom", "envelopeTo", "from", "subject",
                    "size", "arrival")) {
                assertTrue(message.has(field), field + " in " + message);
            }
            assertEquals("ann@client.test", message.get("envelopeFrom").asText());
            assertEquals(List.of(ALICE), List.of(message.get("envelopeTo").get(0).asText()));
            assertTrue(page1.get(0) > page1.get(1), "newest first: " + page1);

            JsonNode all = json(api.get("/api/messages"), 200);
            assertEquals(1, all.get("page").asInt());
            assertEquals(50, all.get("size").asInt(), "the default size");
            assertFalse(all.get("more").asBoolean());
            List<Long> allIds = ids(all.get("messages"));
            assertEquals(6, allIds.size());
            assertEquals("bob 1", all.get("messages").get(0).get("subject").asText(), "all mailboxes, newest first");
            List<Long> sorted = new ArrayList<>(allIds);
            sorted.sort(java.util.Comparator.reverseOrder());
            assertEquals(sorted, allIds);

            JsonNode found = json(api.get("/api/messages?q=" + enc("subject:\"alice 3\"")), 200);
            assertEquals(List.of("alice 3"), subjects(found));
            JsonNode words = json(api.get("/api/messages?q=weekly"), 200);
            assertEquals(List.of("bob 1"), subjects(words));
            JsonNode inMailbox = json(api.get("/api/messages?mailbox=alice@example.com&q=weekly"), 200);
            assertEquals(List.of(), subjects(inMailbox), "the query within one mailbox");
            JsonNode beyond = json(api.get("/api/messages?page=7&size=500"), 200);
            assertEquals(0, beyond.get("messages").size());
        }
    }

    @Test
    void badListingRequestsGetA4xxThatSaysWhatWasWrong() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.plain(ALICE, "one", "first"));

            assertTrue(error(api.get("/api/messages?mailbox=nobody@example.com"), 404).contains("nobody@example.com"));
            assertTrue(error(api.get("/api/messages?q=" + enc("after:yesterday")), 400).contains("YYYY-MM-DD"));
            assertTrue(error(api.get("/api/messages?mailbox=alice@example.com&q=" + enc("before:2026-13-45")), 400)
                    .startsWith("bad query"));
            assertTrue(error(api.get("/api/messages?q=" + enc("subject:\"weekly report")), 400)
                    .contains("a quote is not closed"));
            for (String page : List.of("0", "-1", "x", "1.5", "99999999999")) {
                assertTrue(error(api.get("/api/messages?page=" + page), 400).contains("page"), page);
            }
            for (String size : List.of("0", "501", "x", "-5")) {
                assertTrue(error(api.get("/api/messages?size=" + size), 400).contains("size must be a whole number from 1 to 500"),
                        size);
            }
            assertTrue(error(api.get("/api/messages?size=2&size=3"), 400).contains("twice"));
            // A misspelt parameter is told, not ignored (which would list every mailbox's mail).
            assertEquals("unknown query parameter 'mailbx'; this path takes mailbox, page, q, size",
                    error(api.get("/api/messages?mailbx=alice@example.com"), 400));
            assertEquals("unknown query parameter 'verbose': this path takes none", error(api.get("/api/mailboxes?verbose"), 400));
            assertTrue(error(api.get("/api/sessions?limt=1"), 400).contains("this path takes limit"));
            assertEquals(1, json(api.get("/api/messages?size=500"), 200).get("messages").size(), "nothing lost");
        }
    }

    @Test
    void oneMessageHasItsEnvelopeHeadersPartsAndBodies() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "with parts"));
            long id = onlyId(api);

            JsonNode m = json(api.get("/api/messages/" + id), 200);

            assertEquals(id, m.get("id").asLong());
            assertEquals(ALICE, m.get("mailbox").asText());
            assertEquals("with parts", m.get("subject").asText());
            assertEquals("Ann <ann@client.test>", m.get("from").asText());
            assertEquals("ann@client.test", m.get("envelopeFrom").asText());
            assertEquals(ALICE, m.get("envelopeTo").get(0).asText());
            assertEquals("café", header(m, "X-Note"), "headers are decoded");
            assertEquals("with parts", header(m, "Subject"));
            assertEquals("Caf\u00e9 au lait", m.get("text").asText().strip());
            assertEquals("<p>Caf\u00e9 <b>au lait</b></p>", m.get("html").asText().strip());
            assertEquals(0, m.get("problems").size(), m.get("problems").toString());

            // The queue id and the session link a message to the SMTP conversation that brought it.
            String queueId = m.get("queueId").asText();
            assertTrue(queueId.matches("[A-Za-z0-9.]+"), m.toString());
            JsonNode session = json(api.get("/api/sessions/" + m.get("sessionId").asLong()), 200);
            assertTrue(session.get("transcript").toString().contains("queued as " + queueId), session.toString());

            JsonNode parts = m.get("parts");
            assertEquals(5, parts.size(), parts.toString());
            List<String> types = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                assertEquals(i + 1, parts.get(i).get("index").asInt());
                types.add(parts.get(i).get("contentType").asText());
            }
            assertEquals(List.of("multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                    "application/octet-stream"), types);
            JsonNode plain = parts.get(2);
            assertEquals("utf-8", plain.get("charset").asText());
            assertEquals("quoted-printable", plain.get("transferEncoding").asText());
            assertFalse(plain.get("attachment").asBoolean());
            assertTrue(plain.get("filename").isNull());
            JsonNode file = parts.get(4);
            assertTrue(file.get("attachment").asBoolean());
            assertEquals("attachment", file.get("disposition").asText());
            assertEquals("base64", file.get("transferEncoding").asText());
            assertEquals(ApiMail.HOSTILE_NAME, file.get("filename").asText(), "the name as sent, JSON-escaped");
            assertEquals(256, file.get("size").asLong());
            for (String field : List.of("index", "path", "contentType", "charset", "transferEncoding", "disposition",
                    "filename", "contentId", "size", "attachment")) {
                assertTrue(file.has(field), field);
            }
        }
    }

    @Test
    void aMessageWithoutATextPartHasNullBodies() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            byte[] message = ("From: a@client.test\r\nSubject: bin\r\nContent-Type: image/png\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n").getBytes(StandardCharsets.US_ASCII);
            ApiMail.send(api, List.of(ALICE), message);

            JsonNode m = json(api.get("/api/messages/" + onlyId(api)), 200);

            assertTrue(m.get("text").isNull(), m.toString());
            assertTrue(m.get("html").isNull(), m.toString());
            assertEquals(1, m.get("parts").size());
        }
    }

    @Test
    void badAndUnknownIdsGet400And404OnEveryMessageEndpoint() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "kept"));
            long id = onlyId(api);
            for (String bad : BAD_IDS) {
                assertTrue(error(api.get("/api/messages/" + bad), 400).contains("is not a message id"), bad);
                error(api.get("/api/messages/" + bad + "/raw"), 400);
                error(api.get("/api/messages/" + bad + "/parts/1"), 400);
                error(api.delete("/api/messages/" + bad), 400);
            }
            long unknown = id + 1000;
            assertEquals("no message " + unknown, error(api.get("/api/messages/" + unknown), 404));
            assertEquals("no message " + unknown, error(api.get("/api/messages/" + unknown + "/raw"), 404));
            assertEquals("no message " + unknown, error(api.get("/api/messages/" + unknown + "/parts/1"), 404));
            assertEquals("no message " + unknown, error(api.delete("/api/messages/" + unknown), 404));
            assertEquals(1, json(api.get("/api/messages"), 200).get("messages").size(), "nothing lost");
        }
    }

    @Test
    void rawIsTheExactBytesSent() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            byte[] sent = ApiMail.plain(ALICE, "raw", "exact bytes");
            ApiMail.send(api, List.of(ALICE), sent);
            long id = onlyId(api);

            HttpResponse<byte[]> raw = api.getBytes("/api/messages/" + id + "/raw");

            assertEquals(200, raw.statusCode());
            assertEquals("message/rfc822", raw.headers().firstValue("Content-Type").orElse(""));
            assertArrayEquals(sent, raw.body());
            HttpResponse<String> head = api.http().send(api.request("/api/messages/" + id + "/raw")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void partsAreServedDecodedWithTheirTypeAndASafeFileName() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "with parts"));
            long id = onlyId(api);
            String base = "/api/messages/" + id + "/parts/";

            HttpResponse<byte[]> file = api.getBytes(base + "5");
            assertEquals(200, file.statusCode());
            assertArrayEquals(ApiMail.ATTACHMENT, file.body());
            assertEquals("application/octet-stream", file.headers().firstValue("Content-Type").orElse(""));
            String disposition = file.headers().firstValue("Content-Disposition").orElse("");
            assertEquals("attachment; filename=\"_r_sum_ _q__x_.bin\"; "
                    + "filename*=UTF-8''_r%C3%A9sum%C3%A9%20_q__x_.bin", disposition);

            HttpResponse<String> text = api.get(base + "3");
            assertEquals(200, text.statusCode());
            assertEquals("text/plain; charset=utf-8", text.headers().firstValue("Content-Type").orElse(""));
            assertEquals("Caf\u00e9 au lait", text.body().strip());
            assertTrue(text.headers().firstValue("Content-Disposition").isEmpty());
            HttpResponse<String> html = api.get(base + "4");
            assertEquals("text/html; charset=utf-8", html.headers().firstValue("Content-Type").orElse(""));
            assertTrue(html.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox"),
                    "an HTML part opened in a browser runs nothing");

            assertTrue(error(api.get(base + "6"), 404).contains("parts 1 to 5"));
            assertTrue(error(api.get(base + "1"), 404).contains("multipart/mixed"));
            for (String bad : List.of("0", "x", "-1", "1234567890")) {
                assertTrue(error(api.get(base + bad), 400).contains("is not a part number"), bad);
            }
        }
    }

    @Test
    void deleteRemovesOneMessageAndClearEmptiesAMailbox() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE, BOB), ApiMail.plain(ALICE, "one", "first"));
            ApiMail.send(api, List.of(ALICE), ApiMail.plain(ALICE, "two", "second"));
            ApiMail.send(api, List.of(ALICE), ApiMail.plain(ALICE, "three", "third"));
            List<Long> alice = ids(json(api.get("/api/messages?mailbox=" + ALICE), 200).get("messages"));

            assertEquals(1, json(api.delete("/api/messages/" + alice.get(0)), 200).get("deleted").asInt());

            assertEquals("no message " + alice.get(0), error(api.get("/api/messages/" + alice.get(0)), 404));
            error(api.delete("/api/messages/" + alice.get(0)), 404);
            assertEquals(alice.subList(1, 3), ids(json(api.get("/api/messages?mailbox=" + ALICE), 200).get("messages")));

            assertEquals(2, json(api.delete("/api/mailboxes/Alice@Example.com/messages"), 200).get("deleted").asInt());

            assertEquals(0, json(api.get("/api/messages?mailbox=" + ALICE), 200).get("messages").size());
            assertEquals(1, json(api.get("/api/messages?mailbox=" + BOB), 200).get("messages").size(), "bob keeps his");
            assertEquals(0, json(api.delete("/api/mailboxes/alice@example.com/messages"), 200).get("deleted").asInt());
            assertTrue(error(api.delete("/api/mailboxes/nobody@example.com/messages"), 404).contains("no mailbox"));
        }
    }

    @Test
    void aMessageDeletedAfterItWasListedIsNotFound() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "soon gone"));
            long id = onlyId(api);
            api.monitor().monitor().mail().delete(List.of(id));

            for (String path : List.of("", "/raw", "/parts/5")) {
                assertEquals("no message " + id, error(api.get("/api/messages/" + id + path), 404), path);
            }
            error(api.delete("/api/messages/" + id), 404);
        }
    }

    @Test
    void aWrongMethodGets405WithAllowAndAnUnknownPath404() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            HttpResponse<String> post = api.post("/api/mailboxes", "{}");
            error(post, 405);
            assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
            HttpResponse<String> put = api.http().send(api.request("/api/messages/1")
                    .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            error(put, 405);
            assertEquals("DELETE, GET", put.headers().firstValue("Allow").orElse(""));
            error(api.delete("/api/messages"), 405);
            error(api.post("/api/messages/1/raw", "{}"), 405);
            error(api.get("/api/mailboxes/alice@example.com/messages"), 405);
            for (String path : List.of("/api/nothing", "/api/messages/1/raw/more", "/api/messages/1/parts",
                    "/api/mailbox", "/")) {
                assertTrue(error(api.get(path), 404).startsWith("no such path"), path);
            }
        }
    }

    private static long onlyId(TestApi api) throws Exception {
        List<Long> ids = ids(json(api.get("/api/messages"), 200).get("messages"));
        assertEquals(1, ids.size(), ids.toString());
        return ids.get(0);
    }

    private static List<String> subjects(JsonNode page) {
        List<String> subjects = new ArrayList<>();
        page.get("messages").forEach(m -> subjects.add(m.get("subject").asText()));
        return subjects;
    }

    private static String header(JsonNode message, String name) {
        for (JsonNode h : message.get("headers")) {
            if (h.get("name").asText().equals(name)) {
                return h.get("value").asText();
            }
        }
        throw new AssertionError("no header " + name + " in " + message.get("headers"));
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
