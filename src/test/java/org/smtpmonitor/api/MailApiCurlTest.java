package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;

import com.fasterxml.jackson.databind.JsonNode;

/** Every mail endpoint through the real curl, as a CI script calls it, and its errors. */
class MailApiCurlTest {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";

    @TempDir
    Path directory;
    @TempDir
    Path work;

    @BeforeEach
    void needsCurl() {
        Curl.assumeInstalled();
    }

    @Test
    void everyEndpointAnswersCurl() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            byte[] multipart = ApiMail.multipart(ALICE, "with parts");
            byte[] plain = ApiMail.plain(ALICE, "plain one", "exact bytes");
            ApiMail.send(api, List.of(ALICE, BOB), multipart);
            ApiMail.send(api, List.of(ALICE), plain);

            JsonNode mailboxes = Curl.run(work, api, "GET", "/api/mailboxes").json(200);
            assertEquals(ALICE, mailboxes.get(0).get("address").asText());
            assertEquals(2, mailboxes.get(0).get("messages").asInt());

            JsonNode page = Curl.run(work, api, "GET", "/api/messages", "--get", "--data-urlencode", "mailbox=" + ALICE,
                    "--data-urlencode", "q=subject:\"with parts\"", "--data-urlencode", "size=10").json(200);
            assertEquals(10, page.get("size").asInt());
            assertEquals(1, page.get("messages").size());
            long withParts = page.get("messages").get(0).get("id").asLong();
            long plainId = ApiMail.ids(Curl.run(work, api, "GET", "/api/messages?mailbox=" + ALICE + "&size=1")
                    .json(200).get("messages")).get(0);

            JsonNode message = Curl.run(work, api, "GET", "/api/messages/" + withParts).json(200);
            assertEquals("with parts", message.get("subject").asText());
            assertEquals(5, message.get("parts").size());

            Curl raw = Curl.run(work, api, "GET", "/api/messages/" + plainId + "/raw");
            assertEquals(200, raw.status());
            assertEquals("message/rfc822", raw.header("Content-Type").orElse(""));
            assertArrayEquals(plain, raw.body(), "the raw bytes are those sent, byte for byte");
            assertArrayEquals(multipart, Curl.run(work, api, "GET", "/api/messages/" + withParts + "/raw").body());

            Curl attachment = Curl.run(work, api, "GET", "/api/messages/" + withParts + "/parts/5");
            assertEquals(200, attachment.status());
            assertArrayEquals(ApiMail.ATTACHMENT, attachment.body(), "the attachment decoded, byte for byte");
            assertEquals("application/octet-stream", attachment.header("Content-Type").orElse(""));
            assertTrue(attachment.header("Content-Disposition").orElse("")
                    .endsWith("filename*=UTF-8''_r%C3%A9sum%C3%A9%20_q__x_.bin"), attachment.headers().toString());
            Curl text = Curl.run(work, api, "GET", "/api/messages/" + withParts + "/parts/3");
            assertEquals("text/plain; charset=utf-8", text.header("Content-Type").orElse(""));
            assertEquals("Caf\u00e9 au lait", new String(text.body(), StandardCharsets.UTF_8).strip());

            assertEquals(1, Curl.run(work, api, "DELETE", "/api/messages/" + plainId).json(200).get("deleted").asInt());
            assertEquals(404, Curl.run(work, api, "GET", "/api/messages/" + plainId).status());
            assertEquals(1, Curl.run(work, api, "DELETE", "/api/mailboxes/" + ALICE + "/messages").json(200)
                    .get("deleted").asInt());
            List<Integer> counts = new ArrayList<>();
            Curl.run(work, api, "GET", "/api/mailboxes").json(200).forEach(m -> counts.add(m.get("messages").asInt()));
            assertEquals(List.of(0, 1, 0), counts, "alice cleared, bob keeps his copy");
        }
    }

    @Test
    void curlGetsTheErrorsAsJson() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "with parts"));
            long id = ApiMail.ids(Curl.run(work, api, "GET", "/api/messages").json(200).get("messages")).get(0);

            assertTrue(Curl.run(work, api, "GET", "/api/messages/abc").error(400).contains("is not a message id"));
            assertTrue(Curl.run(work, api, "GET", "/api/messages/0/raw").error(400).contains("is not a message id"));
            assertEquals("no message " + (id + 1), Curl.run(work, api, "GET", "/api/messages/" + (id + 1)).error(404));
            assertEquals("no message " + (id + 1), Curl.run(work, api, "DELETE", "/api/messages/" + (id + 1)).error(404));
            assertTrue(Curl.run(work, api, "GET", "/api/messages/" + id + "/parts/9").error(404).contains("no part 9"));
            assertTrue(Curl.run(work, api, "GET", "/api/messages?mailbox=nobody@example.com").error(404)
                    .contains("no mailbox"));
            assertTrue(Curl.run(work, api, "DELETE", "/api/mailboxes/nobody@example.com/messages").error(404)
                    .contains("no mailbox"));
            assertTrue(Curl.run(work, api, "GET", "/api/messages", "--get", "--data-urlencode", "q=after:someday")
                    .error(400).startsWith("bad query"));
            assertTrue(Curl.run(work, api, "GET", "/api/messages", "--get", "--data-urlencode", "q=subject:\"open")
                    .error(400).contains("a quote is not closed"));
            assertTrue(Curl.run(work, api, "GET", "/api/messages?size=501").error(400).contains("size"));
            assertTrue(Curl.run(work, api, "GET", "/api/messages?page=0").error(400).contains("page"));
            Curl put = Curl.run(work, api, "PUT", "/api/messages/" + id);
            assertEquals("DELETE, GET", put.header("Allow").orElse(""));
            put.error(405);
            assertTrue(Curl.run(work, api, "GET", "/api/messages/" + id + "/source").error(404).startsWith("no such path"));
            assertEquals(1, Curl.run(work, api, "GET", "/api/messages").json(200).get("messages").size(), "nothing lost");
        }
    }
}
