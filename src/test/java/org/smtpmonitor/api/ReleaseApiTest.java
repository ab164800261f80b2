package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.StoredMessages;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/messages/{id}/release} over real HTTP, with the JDK's HttpClient and with
 * curl: a stored message released to a second monitor (the bytes compared), recipients
 * overridden and refused, TLS with AUTH without the password in the answer, and each bad
 * request's 400 or 404.
 */
class ReleaseApiTest {

    private static final String ALICE = "alice@example.com";
    private static final String PASSWORD = "api-s3cret-Pa55";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private TestApi api;
    private TestMonitor target;
    private long id;

    @BeforeEach
    void start() throws Exception {
        Path source = Files.createDirectories(directory.resolve("source"));
        api = TestApi.start(source);
        Path targetDirectory = Files.createDirectories(directory.resolve("target"));
        target = TestMonitor.start(targetDirectory, TestMonitor.settingsWithTlsPort(targetDirectory)
                .withAuth(AuthPolicy.of(AuthMode.ANY, false, false)));
        id = StoredMessages.deliver(api.monitor(), "sender@client.test", List.of(ALICE), StoredMessages.TRICKY);
    }

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private String path() {
        return "/api/messages/" + id + "/release";
    }

    /** POSTs {@code body} with curl; returns the status and the answer's body. */
    private Map.Entry<Integer, String> curl(String path, String body) throws Exception {
        Curl.assumeInstalled();
        Path file = Files.writeString(Files.createTempFile(directory, "body", ".json"), body, StandardCharsets.UTF_8);
        Curl answer = Curl.run(directory, api, "POST", path, "-H", "Content-Type: application/json",
                "--data-binary", "@" + file);
        return Map.entry(answer.status(), answer.text());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.textValue()));
        return texts;
    }

    @Test
    void httpClientReleasesTheStoredBytesAndGetsTheOutcome() throws Exception {
        HttpResponse<String> response = api.post(path(), "{\"host\":\"127.0.0.1\",\"port\":" + target.port() + "}");

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode outcome = JSON.readTree(response.body());
        assertTrue(outcome.get("delivered").booleanValue(), response.body());
        assertEquals(List.of(ALICE), texts(outcome.get("accepted")));
        assertEquals(0, outcome.get("refused").size());
        assertTrue(texts(outcome.get("transcript")).contains("C: <message data, " + StoredMessages.TRICKY.length
                + " bytes>"), response.body());
        assertTrue(outcome.get("summary").textValue().startsWith("250 "), response.body());
        assertArrayEquals(StoredMessages.TRICKY,
                StoredMessages.exported(target, StoredMessages.newest(target, ALICE).id()));
    }

    @Test
    void curlReleasesToOverriddenRecipientsAndGetsTheRefusals() throws Exception {
        Map.Entry<Integer, String> answer = curl(path(), "{\"host\":\"127.0.0.1\",\"port\":" + target.port()
                + ",\"security\":\"plain\",\"to\":[\"bob@example.com\",\"nobody@example.com\"]}");

        assertEquals(200, answer.getKey(), answer.getValue());
        JsonNode outcome = JSON.readTree(answer.getValue());
        assertFalse(outcome.get("delivered").booleanValue());
        assertEquals(List.of("bob@example.com"), texts(outcome.get("accepted")));
        assertEquals(1, outcome.get("refused").size());
        assertEquals("nobody@example.com", outcome.get("refused").get(0).get("address").textValue());
        assertEquals("550 Address unknown", outcome.get("refused").get(0).get("reply").textValue());
        assertTrue(outcome.get("summary").textValue().startsWith("delivered to 1 of 2 recipients"), answer.getValue());
        assertArrayEquals(StoredMessages.TRICKY,
                StoredMessages.exported(target, StoredMessages.newest(target, "bob@example.com").id()));
        assertEquals(0, StoredMessages.count(target, ALICE));
    }

    @Test
    void overTlsWithAuthThePasswordIsNeverInTheAnswer() throws Exception {
        String body = "{\"host\":\"127.0.0.1\",\"port\":" + target.tlsAddress().getPort() + ",\"security\":\"tls\","
                + "\"user\":\"api-user\",\"password\":\"" + PASSWORD + "\",\"insecure\":true}";
        HttpResponse<String> response = api.post(path(), body);

        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.body().contains(PASSWORD), response.body());
        JsonNode outcome = JSON.readTree(response.body());
        assertTrue(outcome.get("delivered").booleanValue(), response.body());
        assertTrue(texts(outcome.get("transcript")).stream().anyMatch(l -> l.startsWith("-- TLS 1.")), response.body());
        assertTrue(texts(outcome.get("transcript")).stream().anyMatch(l -> l.startsWith("C: AUTH ")), response.body());

        // The same over STARTTLS without insecure: the test certificate is not trusted, which is an outcome.
        Map.Entry<Integer, String> untrusted = curl(path(), body.replace("\"tls\"", "\"starttls\"")
                .replace(":" + target.tlsAddress().getPort() + ",", ":" + target.port() + ",")
                .replace("\"insecure\":true", "\"insecure\":false"));
        assertEquals(200, untrusted.getKey(), untrusted.getValue());
        assertFalse(untrusted.getValue().contains(PASSWORD));
        JsonNode failed = JSON.readTree(untrusted.getValue());
        assertFalse(failed.get("delivered").booleanValue());
        assertTrue(failed.get("summary").textValue().startsWith("TLS with 127.0.0.1:" + target.port() + " failed"),
                untrusted.getValue());
        assertEquals(1, StoredMessages.count(target, ALICE));
    }

    @Test
    void badRequestsAre400SayingWhyAndUnknownMessagesAre404() throws Exception {
        String port = Integer.toString(target.port());
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"host\":\"127.0.0.1\",\"password\":\"" + PASSWORD + "\",", "not well-formed JSON");
        bad.put("{\"user\":\"u\",\"password\":" + PASSWORD + "}", "not well-formed JSON");
        bad.put("", "must be a JSON object");
        bad.put("[\"127.0.0.1\"]", "must be a JSON object");
        bad.put("{}", "host is missing");
        bad.put("{\"host\":\"\"}", "host is missing");
        bad.put("{\"host\":\"127.0.0.1\",\"port\":70000}", "port must be");
        bad.put("{\"host\":\"127.0.0.1\",\"port\":\"25\"}", "port must be");
        bad.put("{\"host\":\"127.0.0.1\",\"port\":25.5}", "port must be");
        bad.put("{\"host\":\"127.0.0.1\",\"security\":\"ssl\"}", "security must be plain, starttls or tls");
        bad.put("{\"host\":\"127.0.0.1\",\"user\":\"u\"}", "password is missing");
        bad.put("{\"host\":\"127.0.0.1\",\"password\":\"" + PASSWORD + "\"}", "user is missing");
        bad.put("{\"host\":\"127.0.0.1\",\"insecure\":\"yes\"}", "insecure must be true or false");
        bad.put("{\"host\":\"127.0.0.1\",\"insecure\":true}", "it needs security starttls or tls");
        bad.put("{\"host\":\"127.0.0.1\",\"to\":\"bob@example.com\"}", "to must be an array");
        bad.put("{\"host\":\"127.0.0.1\",\"hots\":1}", "unknown field 'hots'");
        bad.put("{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"to\":[\"not an address\"]}", "is not an address");
        for (Map.Entry<String, String> request : bad.entrySet()) {
            HttpResponse<String> response = api.post(path(), request.getKey());
            assertEquals(400, response.statusCode(), request.getKey() + " -> " + response.body());
            String error = JSON.readTree(response.body()).get("error").textValue();
            assertTrue(error.contains(request.getValue()), request.getKey() + " -> " + error);
            assertFalse(response.body().contains(PASSWORD), response.body());
        }
        String good = "{\"host\":\"127.0.0.1\",\"port\":" + port + "}";
        HttpResponse<String> badId = api.post("/api/messages/abc/release", good);
        assertEquals(400, badId.statusCode(), badId.body());
        HttpResponse<String> unknown = api.post("/api/messages/" + (id + 1000) + "/release", good);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(405, api.get(path()).statusCode());

        Map.Entry<Integer, String> curlBad = curl(path(), "{\"host\":\"127.0.0.1\",\"security\":\"ssl\"}");
        assertEquals(400, curlBad.getKey(), curlBad.getValue());
        assertTrue(JSON.readTree(curlBad.getValue()).get("error").textValue().contains("security"), curlBad.getValue());
        Map.Entry<Integer, String> curlUnknown = curl("/api/messages/" + (id + 1000) + "/release", good);
        assertEquals(404, curlUnknown.getKey(), curlUnknown.getValue());
        assertTrue(JSON.readTree(curlUnknown.getValue()).has("error"));

        assertEquals(0, StoredMessages.count(target, ALICE), "no bad request sent anything");
    }

    @Test
    void slowReleasesRunApartAtMostFourAtOnceAndTheApiGoesOnAnswering() throws Exception {
        // A server that takes the connection and never greets: each release waits for its reply.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket socket = silent.accept();
                        synchronized (held) {
                            held.add(socket);
                            held.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // Closed: the test is over.
                }
            });
            acceptor.start();
            String body = "{\"host\":\"127.0.0.1\",\"port\":" + silent.getLocalPort() + "}";
            List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                running.add(api.http().sendAsync(api.request(path()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            synchronized (held) {
                while (held.size() < 4 && System.nanoTime() < deadline) {
                    held.wait(100);
                }
                assertEquals(4, held.size(), "four releases connected");
            }

            HttpResponse<String> fifth = api.post(path(), body);
            assertEquals(503, fifth.statusCode(), fifth.body());
            assertTrue(JSON.readTree(fifth.body()).get("error").textValue().contains("4 releases are running"));
            assertEquals(200, api.get("/api/mailboxes").statusCode(), "the API answers while releases wait");
            assertFalse(running.stream().anyMatch(CompletableFuture::isDone), "the four still wait for a greeting");

            synchronized (held) {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            for (CompletableFuture<HttpResponse<String>> release : running) {
                HttpResponse<String> response = release.get(30, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
                assertFalse(JSON.readTree(response.body()).get("delivered").booleanValue(), response.body());
            }
            silent.close();
            acceptor.join(5000);
        }
    }

    @Test
    void aReleaseWithoutTheIndexIs503() throws Exception {
        Path other = Files.createDirectories(directory.resolve("no-index"));
        try (TestApi noIndex = TestApi.start(other, TestMonitor.settings(other).withIndex(false), null)) {
            HttpResponse<String> response = noIndex.post("/api/messages/1/release", "{\"host\":\"127.0.0.1\"}");
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(JSON.readTree(response.body()).has("error"), response.body());
        }
    }
}
