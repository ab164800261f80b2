package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;

/**
 * {@code --http-token}: without the bearer token, or with a wrong one, every mail endpoint
 * answers 401 and changes nothing; with it, 200. Through HttpClient and through curl.
 */
class ApiTokenTest {

    private static final String TOKEN = "s3cret";
    private static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;
    @TempDir
    Path work;

    private static List<String[]> requests(long id) {
        return List.of(new String[] {"GET", "/api/mailboxes"}, new String[] {"GET", "/api/messages?mailbox=" + ALICE},
                new String[] {"GET", "/api/messages/" + id}, new String[] {"GET", "/api/messages/" + id + "/raw"},
                new String[] {"GET", "/api/messages/" + id + "/parts/5"}, new String[] {"DELETE", "/api/messages/" + id},
                new String[] {"DELETE", "/api/mailboxes/" + ALICE + "/messages"});
    }

    @Test
    void httpClientNeedsTheToken() throws Exception {
        try (TestApi api = TestApi.start(directory, TestMonitor.settings(directory), TOKEN)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "secret mail"));
            long id = ApiMail.ids(ApiMail.json(api.get("/api/messages"), 200).get("messages")).get(0);

            for (String[] request : requests(id)) {
                for (String header : new String[] {null, "Bearer wrong", "Bearer s3cret2", "Basic czNjcmV0", "s3cret"}) {
                    HttpRequest.Builder builder = HttpRequest.newBuilder(api.uri(request[1]))
                            .method(request[0], HttpRequest.BodyPublishers.noBody());
                    if (header != null) {
                        builder.header("Authorization", header);
                    }
                    HttpResponse<String> response = api.http().send(builder.build(), HttpResponse.BodyHandlers.ofString());
                    String what = request[0] + " " + request[1] + " with " + header;
                    assertTrue(ApiMail.error(response, 401).contains("Authorization: Bearer"), what);
                    assertEquals("Bearer realm=\"smtp-monitor\"", response.headers().firstValue("WWW-Authenticate")
                            .orElse(""), what);
                }
            }
            assertEquals(1, ApiMail.json(api.get("/api/messages"), 200).get("messages").size(), "nothing deleted");
            assertEquals(200, api.get("/api/messages/" + id + "/raw").statusCode());
            assertEquals(200, api.get("/api/messages/" + id + "/parts/5").statusCode());
            assertEquals(1, ApiMail.json(api.delete("/api/messages/" + id), 200).get("deleted").asInt());
        }
    }

    @Test
    void curlNeedsTheToken() throws Exception {
        Curl.assumeInstalled();
        try (TestApi api = TestApi.start(directory, TestMonitor.settings(directory), TOKEN)) {
            ApiMail.send(api, List.of(ALICE), ApiMail.multipart(ALICE, "secret mail"));
            long id = ApiMail.ids(Curl.run(work, api, "GET", "/api/messages", "--oauth2-bearer", TOKEN).json(200)
                    .get("messages")).get(0);

            for (String[] request : requests(id)) {
                Curl none = Curl.run(work, api, request[0], request[1]);
                none.error(401);
                assertEquals("Bearer realm=\"smtp-monitor\"", none.header("WWW-Authenticate").orElse(""));
                Curl.run(work, api, request[0], request[1], "--oauth2-bearer", "wrong").error(401);
                Curl.run(work, api, request[0], request[1], "--header", "Authorization: Bearer " + TOKEN + "x").error(401);
            }
            assertEquals(200, Curl.run(work, api, "GET", "/api/messages/" + id, "--oauth2-bearer", TOKEN).status());
            assertEquals(200, Curl.run(work, api, "GET", "/api/messages/" + id + "/raw",
                    "--header", "Authorization: Bearer " + TOKEN).status());
            assertEquals(1, Curl.run(work, api, "DELETE", "/api/messages/" + id, "--oauth2-bearer", TOKEN).json(200)
                    .get("deleted").asInt());
        }
    }
}
