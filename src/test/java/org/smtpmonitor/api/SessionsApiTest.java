package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/sessions} and {@code GET /api/sessions/{id}} over real HTTP (the JDK's
 * HttpClient and curl), after real SMTP sessions (Python's smtplib, our raw client).
 */
class SessionsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "pa55-w0rd-9f3e";

    @TempDir
    Path directory;

    private TestApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private void start() throws Exception {
        api = TestApi.start(directory, TestMonitor.settings(directory)
                .withAuth(AuthPolicy.of(AuthMode.ANY, false, true)), null);
    }

    private JsonNode get(String path) throws Exception {
        var response = api.get(path);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    /** The newest session in the list, once it is closed. */
    private JsonNode awaitClosedNewest() throws InterruptedException {
        JsonNode[] newest = new JsonNode[1];
        Await.until("the newest session is closed", Duration.ofSeconds(10), () -> {
            JsonNode list = get("/api/sessions");
            newest[0] = list.size() == 0 ? null : list.get(0);
            return newest[0] != null && !newest[0].get("closed").isNull();
        });
        return newest[0];
    }

    private static List<String> lines(JsonNode transcript, String kind) {
        List<String> texts = new ArrayList<>();
        transcript.forEach(line -> {
            if (line.get("kind").asText().equals(kind)) {
                texts.add(line.get("text").asText());
            }
        });
        return texts;
    }

    @Test
    void smtplibSessionWithAuthIsListedWithItsTranscriptAndNoSecret() throws Exception {
        Python.assumeInstalled();
        start();
        Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.ehlo()",
                "    smtp.user, smtp.password = 'alice@example.com', sys.argv[2]",
                "    smtp.auth('PLAIN', smtp.auth_plain)",
                "    smtp.sendmail('sender@example.org', ['alice@example.com'], 'Subject: hi\\r\\n\\r\\nhello\\r\\n')",
                ""), String.valueOf(api.monitor().port()), PASSWORD);

        JsonNode session = awaitClosedNewest();
        long id = session.get("id").asLong();
        assertTrue(session.get("client").asText().startsWith("127.0.0.1:"), session.toString());
        assertEquals("quit", session.get("outcome").asText());
        assertEquals(1, session.get("delivered").asInt());
        assertEquals("PLAIN", session.get("auth").get("mechanism").asText());
        assertEquals("alice@example.com", session.get("auth").get("user").asText());
        assertTrue(session.get("tls").isNull());
        assertTrue(Instant.parse(session.get("opened").asText()).compareTo(Instant.parse(session.get("closed").asText())) <= 0);
        assertFalse(session.has("transcript"), "the list leaves transcripts out");

        var response = api.get("/api/sessions/" + id);
        JsonNode detail = JSON.readTree(response.body());
        assertEquals(id, detail.get("id").asLong());
        JsonNode transcript = detail.get("transcript");
        assertEquals(transcript.size(), detail.get("lines").asInt());
        List<String> in = lines(transcript, "in");
        List<String> out = lines(transcript, "out");
        List<String> notes = lines(transcript, "note");
        assertEquals("ehlo client.test", in.get(0));
        assertTrue(in.stream().anyMatch(l -> l.startsWith("mail FROM:<sender@example.org>")), in.toString());
        assertTrue(in.contains("rcpt TO:<alice@example.com>"), in.toString());
        assertTrue(in.contains("QUIT"), in.toString());
        assertTrue(out.get(0).startsWith("220 "), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.startsWith("235")), "the AUTH's reply: " + out);
        assertTrue(out.get(out.size() - 1).startsWith("221"), out.toString());
        assertTrue(notes.get(0).startsWith("Connection from 127.0.0.1:"), notes.toString());
        assertTrue(notes.contains("-- AUTH PLAIN alice@example.com"), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("Delivered ") && n.endsWith("to alice@example.com")),
                notes.toString());
        assertEquals("Closed (quit)", notes.get(notes.size() - 1));
        transcript.forEach(line -> Instant.parse(line.get("at").asText()));

        // The AUTH line is there, masked; neither the password nor its base64 is anywhere.
        assertTrue(in.stream().anyMatch(l -> l.startsWith("AUTH PLAIN ****")), in.toString());
        String secret = Base64.getEncoder().encodeToString(("\0alice@example.com\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (String body : List.of(response.body(), api.get("/api/sessions").body())) {
            assertFalse(body.contains(PASSWORD), body);
            assertFalse(body.contains(secret), body);
        }
    }

    @Test
    void anOpenSessionHasNoCloseYetAndItsLinesSoFar() throws Exception {
        start();
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            assertEquals("250 OK", client.command("NOOP"));
            JsonNode[] session = new JsonNode[1];
            Await.until("the session shows its NOOP", Duration.ofSeconds(10), () -> {
                JsonNode list = get("/api/sessions");
                if (list.size() != 1) {
                    return false;
                }
                session[0] = get("/api/sessions/" + list.get(0).get("id").asLong());
                return lines(session[0].get("transcript"), "out").contains("250 OK");
            });
            assertTrue(session[0].get("closed").isNull());
            assertTrue(session[0].get("outcome").isNull());
            assertEquals(0, session[0].get("delivered").asInt());
            assertEquals(List.of("EHLO client.test", "NOOP"), lines(session[0].get("transcript"), "in"));
        }
    }

    @Test
    void aSessionOverStartTlsShowsItsProtocolCipherAndServerName() throws Exception {
        start();
        try (RawSmtpClient clear = api.monitor().ehloClient()) {
            assertEquals("220 Ready to start TLS", clear.command("STARTTLS"));
            try (RawSmtpClient tls = clear.startTls(api.monitor().trustingContext(), "localhost")) {
                assertTrue(tls.command("EHLO client.test").startsWith("250"));
                assertEquals(221, tls.readCodeOf("QUIT"));
            }
        }
        JsonNode session = awaitClosedNewest();
        JsonNode tls = session.get("tls");
        assertTrue(tls.get("protocol").asText().startsWith("TLSv1."), session.toString());
        assertTrue(tls.get("cipher").asText().startsWith("TLS_"), session.toString());
        assertEquals("localhost", tls.get("sni").asText());
        List<String> notes = lines(get("/api/sessions/" + session.get("id").asLong()).get("transcript"), "note");
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("-- TLS 1.") && n.endsWith(" SNI localhost")), notes.toString());
    }

    @Test
    void controlAndBidiCharactersFromTheClientAreEscaped() throws Exception {
        start();
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            client.send("NOOP \u001b[2J\r\n".getBytes(StandardCharsets.ISO_8859_1));
            client.readReply();
            client.send("NOOP \u202egpj.exe\r\n".getBytes(StandardCharsets.UTF_8));
            client.readReply();
            assertEquals(221, client.readCodeOf("QUIT"));
        }
        JsonNode session = awaitClosedNewest();
        String body = api.get("/api/sessions/" + session.get("id").asLong()).body();
        List<String> in = lines(JSON.readTree(body).get("transcript"), "in");
        assertTrue(in.contains("NOOP \\x1b[2J"), in.toString());
        assertTrue(in.contains("NOOP \\u202egpj.exe"), in.toString());
        assertFalse(body.contains("\u001b") || body.contains("\\u001b"), body);
        assertFalse(body.contains("\u202e"), body);
    }

    @Test
    void aLongSessionsTranscriptIsCutAndSaysSo() throws Exception {
        start();
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            for (int i = 0; i < HeldSession.MAX_LINES / 2 + 50; i++) {
                client.send("NOOP\r\n");
            }
            for (int i = 0; i < HeldSession.MAX_LINES / 2 + 50; i++) {
                assertEquals("250 OK", client.readReply());
            }
            assertEquals(221, client.readCodeOf("QUIT"));
        }
        JsonNode session = awaitClosedNewest();
        assertTrue(session.get("transcriptCut").asBoolean());
        assertTrue(session.get("lines").asInt() > HeldSession.MAX_LINES, session.toString());
        JsonNode transcript = get("/api/sessions/" + session.get("id").asLong()).get("transcript");
        assertEquals(HeldSession.MAX_LINES, transcript.size());
        assertEquals(HeldSession.CUT, transcript.get(transcript.size() - 1).get("text").asText());
        assertEquals("quit", session.get("outcome").asText());
    }

    @Test
    void listIsNewestFirstAndLimitCutsIt() throws Exception {
        start();
        for (int i = 0; i < 3; i++) {
            try (RawSmtpClient client = api.monitor().ehloClient()) {
                assertEquals(221, client.readCodeOf("QUIT"));
            }
        }
        api.monitor().events().awaitClosedSessions(3);
        Await.until("three sessions are listed closed", Duration.ofSeconds(10), () -> {
            JsonNode list = get("/api/sessions");
            return list.size() == 3 && list.findValues("closed").stream().noneMatch(JsonNode::isNull);
        });
        JsonNode list = get("/api/sessions");
        assertTrue(list.get(0).get("id").asLong() > list.get(1).get("id").asLong());
        assertTrue(list.get(1).get("id").asLong() > list.get(2).get("id").asLong());
        JsonNode one = get("/api/sessions?limit=1");
        assertEquals(1, one.size());
        assertEquals(list.get(0).get("id").asLong(), one.get(0).get("id").asLong());
    }

    @Test
    void badIdsAndLimitsAre400AndUnknownIds404() throws Exception {
        start();
        for (String path : List.of("/api/sessions/abc", "/api/sessions/0", "/api/sessions/-1", "/api/sessions?limit=0",
                "/api/sessions?limit=x", "/api/sessions?limit=1001")) {
            var response = api.get(path);
            assertEquals(400, response.statusCode(), path);
            assertFalse(JSON.readTree(response.body()).get("error").asText().isEmpty(), path);
        }
        var response = api.get("/api/sessions/424242");
        assertEquals(404, response.statusCode());
        assertTrue(JSON.readTree(response.body()).get("error").asText().contains("424242"));
    }

    @Test
    void curlGetsTheListOneSessionAndTheErrors() throws Exception {
        Curl.assumeInstalled();
        start();
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            client.mail("sender@example.org", "alice@example.com", "Subject: curl\n\nhi");
            assertEquals(221, client.readCodeOf("QUIT"));
        }
        long id = awaitClosedNewest().get("id").asLong();
        JsonNode list = JSON.readTree(curl("/api/sessions"));
        assertEquals(id, list.get(0).get("id").asLong());
        JsonNode one = JSON.readTree(curl("/api/sessions/" + id));
        assertEquals(1, one.get("delivered").asInt());
        assertTrue(lines(one.get("transcript"), "in").contains("DATA"));
        assertEquals("400", curlStatus("/api/sessions/abc"));
        assertEquals("404", curlStatus("/api/sessions/99999"));
    }

    private String curl(String path) throws Exception {
        Curl answer = Curl.run(directory, api, "GET", path);
        assertEquals(200, answer.status(), answer.text());
        return answer.text();
    }

    private String curlStatus(String path) throws Exception {
        return String.valueOf(Curl.run(directory, api, "GET", path).status());
    }
}
