package org.smtpmonitor.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/**
 * One request to a route: its path parameters (decoded), its query parameters, its body,
 * and the ways to answer it. Every answer closes the exchange.
 */
final class Request {

    /** The most bytes of a request body read; a larger one gets 413. */
    static final int MAX_BODY = 64 * 1024;
    private static final String DETACHED = "org.smtpmonitor.api.detached";

    private final HttpExchange exchange;
    private final Map<String, String> path;
    private final Map<String, String> query;

    Request(HttpExchange exchange, Map<String, String> path) throws ApiException {
        this.exchange = exchange;
        this.path = path;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    HttpExchange exchange() {
        return exchange;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    /** The path parameter {@code name} of the route's pattern, decoded. */
    String path(String name) {
        return path.get(name);
    }

    /** Refuses (400) a query parameter not in {@code names}, naming the ones this path takes. */
    void takesOnly(java.util.Set<String> names) throws ApiException {
        for (String name : query.keySet()) {
            if (!names.contains(name)) {
                throw ApiException.badRequest("unknown query parameter '" + name + "'" + (names.isEmpty()
                        ? ": this path takes none" : "; this path takes " + String.join(", ", new java.util.TreeSet<>(names))));
            }
        }
    }

    /** The query parameter {@code name}, decoded, or null when absent. */
    String query(String name) {
        return query.get(name);
    }

    /** The query parameter {@code name} as a whole number from {@code min} to {@code max}, or {@code absent}. */
    int queryInt(String name, int absent, int min, int max) throws ApiException {
        String value = query(name);
        if (value == null || value.isEmpty()) {
            return absent;
        }
        if (!value.matches("\\d{1,9}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
            throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max);
        }
        return Integer.parseInt(value);
    }

    /** The path parameter {@code name} as a message id (a positive whole number). */
    long id(String name) throws ApiException {
        String value = path(name);
        if (value == null || !value.matches("[1-9]\\d{0,17}")) {
            throw ApiException.badRequest("'" + value + "' is not a message id");
        }
        return Long.parseLong(value);
    }

    /** The request body, at most {@link #MAX_BODY} bytes. */
    byte[] body() throws IOException, ApiException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > MAX_BODY) {
                    throw new ApiException(413, "the request body is over " + MAX_BODY + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Answers {@code json} (an object or array) with {@code status}. */
    void json(int status, String json) throws IOException {
        bytes(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code body} as {@code contentType} with {@code status}. */
    void bytes(int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (method().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Starts a streamed answer of unknown length; the caller writes the body and closes it. */
    OutputStream stream(int status, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, 0);
        return exchange.getResponseBody();
    }

    /**
     * Keeps the exchange open after the handler returns: a thread of the caller's answers
     * it and closes it (an event stream, which must not hold a request thread).
     */
    void detach() {
        exchange.setAttribute(DETACHED, Boolean.TRUE);
    }

    static boolean detached(HttpExchange exchange) {
        return exchange.getAttribute(DETACHED) != null;
    }

    private static Map<String, String> parseQuery(String raw) throws ApiException {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (query.putIfAbsent(name, value) != null) {
                throw ApiException.badRequest("the query parameter '" + name + "' is given twice");
            }
        }
        return Collections.unmodifiableMap(query);
    }

    /** Percent-decodes a path segment as UTF-8 (a '+' stays a '+', as in alice+tag@example.com). */
    static String decodePath(String segment) throws ApiException {
        return decode(segment.replace("+", "%2B"));
    }

    /** Percent-decodes {@code text} as UTF-8 (a '+' is a space, as in a form). */
    static String decode(String text) throws ApiException {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad percent-encoding in '" + text + "'");
        }
    }
}
