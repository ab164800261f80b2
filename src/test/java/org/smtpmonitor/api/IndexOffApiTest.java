package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;

/** With no message index (--no-index), every mail route says so alike: 503, as docs/openapi.yaml's IndexOff. */
class IndexOffApiTest {

    @TempDir
    Path directory;

    @Test
    void everyMailRouteAnswers503WithoutAnIndexReleaseIncluded() throws Exception {
        try (TestApi api = TestApi.start(directory, TestMonitor.settings(directory).withIndex(false), null)) {
            for (String path : List.of("/api/mailboxes", "/api/messages", "/api/messages/1", "/api/messages/1/raw",
                    "/api/messages/1/parts/1")) {
                HttpResponse<String> response = api.get(path);
                assertEquals(503, response.statusCode(), path + ": " + response.body());
            }
            for (String path : List.of("/api/messages/1", "/api/mailboxes/alice@example.com/messages")) {
                HttpResponse<String> response = api.delete(path);
                assertEquals(503, response.statusCode(), "DELETE " + path + ": " + response.body());
            }
            HttpResponse<String> release = api.post("/api/messages/1/release", "{\"host\":\"127.0.0.1\",\"port\":25}");
            assertEquals(503, release.statusCode(), release.body());
            assertTrue(release.body().contains("index is off"), release.body());
        }
    }
}
