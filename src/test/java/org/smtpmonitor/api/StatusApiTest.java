package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** GET /api/status over real HTTP: the ports while SMTP listens, and -1 once it does not (docs/openapi.yaml's Status). */
class StatusApiTest {

    @TempDir
    Path directory;

    @Test
    void thePortsAreTheListeningOnesAndMinusOneOnceTheServerIsStopped() throws Exception {
        try (TestApi api = TestApi.start(directory, TestMonitor.settingsWithTlsPort(directory), null)) {
            Monitor monitor = api.monitor().monitor();
            JsonNode running = status(api);
            assertTrue(running.path("running").asBoolean(), running.toString());
            assertEquals(monitor.smtpAddress().getPort(), running.path("smtpPort").asInt(), running.toString());
            assertTrue(running.path("smtpPort").asInt() > 0, running.toString());
            assertEquals(monitor.tlsAddress().getPort(), running.path("tlsPort").asInt(), running.toString());

            monitor.stopServer();
            JsonNode stopped = status(api);
            assertEquals(false, stopped.path("running").asBoolean(), stopped.toString());
            assertEquals(-1, stopped.path("smtpPort").asInt(), "not listening: " + stopped);
            assertEquals(-1, stopped.path("tlsPort").asInt(), "not listening: " + stopped);
        }
    }

    private static JsonNode status(TestApi api) throws Exception {
        HttpResponse<String> response = api.get("/api/status");
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }
}
