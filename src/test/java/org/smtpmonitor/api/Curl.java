package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.TestApi;

import com.fasterxml.jackson.databind.JsonNode;

/** The API through the real curl: status, headers and body bytes of one request. */
record Curl(int status, List<String> headers, byte[] body) {

    static final Path CURL = Path.of("/usr/bin/curl");

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
    }

    /**
     * Runs curl against {@code api}: {@code method} (GET, DELETE, POST...) on {@code pathAndQuery}
     * sent as it is ({@code --path-as-is}), with {@code options} before the address.
     */
    static Curl run(Path work, TestApi api, String method, String pathAndQuery, String... options)
            throws IOException, InterruptedException {
        Path body = Files.createTempFile(work, "curl-body", ".bin");
        Path headers = Files.createTempFile(work, "curl-headers", ".txt");
        List<String> command = new ArrayList<>(List.of(CURL.toString(), "--silent", "--show-error", "--max-time", "30",
                "--path-as-is", "--output", body.toString(), "--dump-header", headers.toString(),
                "--write-out", "%{http_code}"));
        if (!method.equals("GET")) {
            command.addAll(List.of("--request", method));
        }
        command.addAll(Arrays.asList(options));
        command.add(api.api().url() + pathAndQuery);
        String status = ExternalProcess.run(work, command, 60);
        return new Curl(Integer.parseInt(status.strip()),
                Files.readAllLines(headers, StandardCharsets.ISO_8859_1), Files.readAllBytes(body));
    }

    /** The value of the first header {@code name} (any case). */
    Optional<String> header(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(h -> h.substring(prefix.length()).strip()).findFirst();
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON, after checking the status and the content type. */
    JsonNode json(int expected) throws IOException {
        assertEquals(expected, status, text());
        assertEquals("application/json; charset=utf-8", header("Content-Type").orElse(""));
        return ApiMail.JSON.readTree(body);
    }

    /** The reason of an error answer, after checking its status. */
    String error(int expected) throws IOException {
        return json(expected).get("error").asText();
    }
}
