package org.smtpmonitor.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.smtpmonitor.app.MailCandidate;
import org.smtpmonitor.app.MailWait;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The mail of a running server, read over its HTTP API for {@code expect --api}: pages of
 * {@code GET /api/messages} (every mailbox, newest first), and {@code GET /api/messages/{id}}
 * for a message's header fields and text when they are needed.
 */
final class ApiMail implements MailWait.Source {

    /** The API could not be asked, or refused: a reason for {@code expect} to stop with status 1. */
    static final class ApiFailure extends IOException {
        ApiFailure(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest page the API serves. */
    private static final int MAX_PAGE = 500;

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code base} is the server's address, such as {@code http://127.0.0.1:8025} (a final {@code /api} is allowed). */
    ApiMail(URI base, String token) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("/api")) {
            text = text.substring(0, text.length() - 4);
        }
        this.base = URI.create(text);
        this.token = token;
    }

    /** Whether {@code url} can be an API's address: http or https, with a host. */
    static boolean usable(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null && url.getQuery() == null;
    }

    @Override
    public List<MailCandidate> newest(int skip, int limit) throws IOException {
        int size = Math.min(limit, MAX_PAGE);
        JsonNode page = get("/api/messages?page=" + (skip / size + 1) + "&size=" + size);
        List<MailCandidate> messages = new ArrayList<>();
        for (JsonNode message : page.path("messages")) {
            messages.add(candidate(message));
        }
        return messages;
    }

    private MailCandidate candidate(JsonNode message) throws ApiFailure {
        List<String> envelopeTo = new ArrayList<>();
        message.path("envelopeTo").forEach(to -> envelopeTo.add(to.asText()));
        Instant received;
        try {
            received = Instant.parse(message.path("received").asText());
        } catch (DateTimeParseException e) {
            throw new ApiFailure(base + "/api/messages: a message's 'received' is not an instant: "
                    + message.path("received").asText());
        }
        return new Listed(this, message.path("id").asLong(), message.path("mailbox").asText(), received,
                message.path("envelopeFrom").asText(), envelopeTo, message.path("from").asText(),
                message.path("subject").asText());
    }

    /** The JSON answer to {@code GET pathAndQuery}; a status other than 200 is an {@link ApiFailure}. */
    private JsonNode get(String pathAndQuery) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ApiFailure("cannot reach the API at " + base + ": " + reason(e));
        } catch (HttpTimeoutException e) {
            throw new ApiFailure("the API at " + base + " did not answer " + pathAndQuery + " within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure("interrupted while asking the API at " + base);
        } catch (IOException e) {
            throw new ApiFailure("cannot reach the API at " + base + ": " + reason(e));
        }
        int status = response.statusCode();
        if (status == 401) {
            throw new ApiFailure("the API at " + base + " refused the request (401): "
                    + (token == null ? "it needs a token, give --token" : "wrong --token"));
        }
        if (status == 404 && pathAndQuery.startsWith("/api/messages/")) {
            throw new NoSuchFileException(pathAndQuery, null, "no such message"); // deleted since it was listed
        }
        if (status != 200) {
            throw new ApiFailure("the API at " + base + " answered " + pathAndQuery + " with " + status
                    + errorOf(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new ApiFailure("the API at " + base + " answered " + pathAndQuery + " with what is not JSON");
        }
    }

    private static String reason(IOException e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /** The API's {@code {"error": "..."}}, as {@code : ...}, or nothing. */
    private static String errorOf(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return error.isTextual() ? ": " + error.asText() : "";
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    /** A message as {@code GET /api/messages} lists it; its details are asked for when needed. */
    private record Listed(ApiMail api, long id, String mailbox, Instant received, String envelopeFrom,
                          List<String> envelopeTo, String from, String subject) implements MailCandidate {
        @Override
        public List<String> recipientFieldsIfKnown() {
            return null; // the listing has no To or Cc
        }

        @Override
        public Details details(boolean withBody) throws IOException {
            JsonNode message = api.get("/api/messages/" + id);
            List<String> fields = new ArrayList<>();
            for (JsonNode header : message.path("headers")) {
                String name = header.path("name").asText();
                if (name.equalsIgnoreCase("To") || name.equalsIgnoreCase("Cc")) {
                    fields.add(header.path("value").asText());
                }
            }
            String body = null;
            if (withBody) {
                JsonNode text = message.path("text");
                JsonNode html = message.path("html");
                body = text.isTextual() ? text.asText() : html.isTextual() ? html.asText() : "";
            }
            return new Details(fields, body);
        }
    }
}
