package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;

/**
 * The API serves nothing outside the mailbox directory and deletes nothing by a path: names
 * of files in a request are refused or unknown, and the files stay as they were. An address
 * with {@code +} in it is a mailbox like any other.
 */
class ApiPathSafetyTest {

    private static final String TAGGED = "alice+tag@example.com";

    @TempDir
    Path directory;
    @TempDir
    Path work;

    private static final List<String> GETS = List.of(
            "/api/messages/..%2F..%2Fetc%2Fpasswd/raw",
            "/api/messages/..%2Fusers.txt",
            "/api/messages/%2Fetc%2Fpasswd/parts/1",
            "/api/messages/1/parts/..%2F..%2Fetc%2Fpasswd",
            "/api/messages?mailbox=..%2Fusers.txt",
            "/api/messages?mailbox=%2Fetc%2Fpasswd",
            "/api/messages?mailbox=users.txt",
            "/api/../users.txt",
            "/api/messages/../../users.txt",
            "/users.txt",
            "/api/messages/%252e%252e%252fusers.txt/raw",
            "/api/messages/1%00/raw");
    private static final List<String> DELETES = List.of(
            "/api/mailboxes/..%2Fusers.txt/messages",
            "/api/mailboxes/..%2F..%2Fetc%2Fpasswd/messages",
            "/api/mailboxes/users.txt/messages",
            "/api/mailboxes/%2E%2E/messages",
            "/api/mailboxes/alice@example.com%00/messages",
            "/api/messages/..%2Fusers.txt");
    /** Bad percent-encoding, which HttpClient refuses to send. */
    private static final String MALFORMED = "/api/mailboxes/%zz/messages";

    @Test
    void pathsThatNameFilesGet4xxAndChangeNothing() throws Exception {
        Files.writeString(directory.resolve("users.txt"), "alice@example.com\n" + TAGGED + "\n", StandardCharsets.UTF_8);
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of("alice@example.com", TAGGED), ApiMail.plain(TAGGED, "kept", "kept"));
            Map<Path, byte[]> before = snapshot();

            for (String path : GETS) {
                HttpResponse<String> response = api.http().send(HttpRequest.newBuilder(URI.create(api.api().url() + path))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertClientError(path, response.statusCode(), response.body());
            }
            for (String path : DELETES) {
                HttpResponse<String> response = api.http().send(HttpRequest.newBuilder(URI.create(api.api().url() + path))
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertClientError(path, response.statusCode(), response.body());
            }
            if (Files.isExecutable(Curl.CURL)) {
                for (String path : Stream.concat(GETS.stream(), Stream.concat(DELETES.stream(), Stream.of(MALFORMED))).toList()) {
                    Curl curl = Curl.run(work, api, GETS.contains(path) ? "GET" : "DELETE", path);
                    assertClientError("curl " + path, curl.status(), curl.text());
                }
            }

            Map<Path, byte[]> after = snapshot();
            assertEquals(before.keySet(), after.keySet());
            before.forEach((file, bytes) -> assertArrayEquals(bytes, after.get(file), file + " changed"));
            assertEquals(2, ApiMail.json(api.get("/api/messages"), 200).get("messages").size(), "nothing deleted");
        }
    }

    @Test
    void aMailboxWithAPlusInItsAddressWorks() throws Exception {
        Files.writeString(directory.resolve("users.txt"), "alice@example.com\n" + TAGGED + "\n", StandardCharsets.UTF_8);
        try (TestApi api = TestApi.start(directory)) {
            ApiMail.send(api, List.of(TAGGED), ApiMail.plain(TAGGED, "tagged", "for the tag"));
            ApiMail.send(api, List.of("alice@example.com"), ApiMail.plain("alice@example.com", "untagged", "plain"));

            JsonAssert.mailbox(ApiMail.json(api.get("/api/mailboxes"), 200), TAGGED, 1);
            JsonAssert.subjects(ApiMail.json(api.get("/api/messages?mailbox=alice%2Btag%40example.com"), 200), "tagged");
            JsonAssert.subjects(ApiMail.json(api.get("/api/messages?mailbox=ALICE%2BTAG@example.com"), 200), "tagged");
            if (Files.isExecutable(Curl.CURL)) {
                JsonAssert.subjects(Curl.run(work, api, "GET", "/api/messages", "--get", "--data-urlencode",
                        "mailbox=" + TAGGED).json(200), "tagged");
            }
            assertEquals(1, ApiMail.json(api.delete("/api/mailboxes/" + TAGGED + "/messages"), 200).get("deleted").asInt(),
                    "a + in a path segment is a +");
            JsonAssert.mailbox(ApiMail.json(api.get("/api/mailboxes"), 200), TAGGED, 0);
            JsonAssert.mailbox(ApiMail.json(api.get("/api/mailboxes"), 200), "alice@example.com", 1);
            assertTrue(ApiMail.error(api.get("/api/messages?mailbox=alice+tag@example.com"), 404)
                    .contains("alice tag@example.com"), "in a query, + is a space, as in any form");
        }
    }

    private static void assertClientError(String what, int status, String body) {
        assertTrue(status >= 400 && status < 500, what + " got " + status + ": " + body);
        assertFalse(body.contains("root:"), what + " served a file: " + body);
    }

    /** Every file under the mailbox directory and its bytes (the index's files aside: SQLite may touch them). */
    private Map<Path, byte[]> snapshot() throws Exception {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().contains("index")) {
                    files.put(directory.relativize(file), Files.readAllBytes(file));
                }
            }
        }
        return files;
    }
}
