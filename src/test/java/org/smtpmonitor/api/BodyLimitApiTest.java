package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;

/** A request body over Request.MAX_BODY gets 413 with a JSON error, and the API answers the next request. */
class BodyLimitApiTest {

    @TempDir
    Path directory;

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            String big = "{\"host\":\"" + "x".repeat(Request.MAX_BODY * 4) + "\"}";
            HttpResponse<String> response = api.http().send(api.request("/api/messages/1/release")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(big)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode(), response.body());
            assertTrue(response.body().contains("over " + Request.MAX_BODY + " bytes"), response.body());
            assertEquals(200, api.get("/api/status").statusCode());
        }
    }
}
