package org.smtpmonitor.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One method and path pattern of the API, such as {@code GET /api/messages/{id}/parts/{n}},
 * and what answers it. A {@code {name}} segment matches any one non-empty segment, passed to
 * the handler decoded. {@code query} names the query parameters the route takes: any other
 * gets 400, so that a misspelt one is told, not ignored.
 */
record Route(String method, String pattern, Handler handler, java.util.Set<String> query) {

    /** Answers a request to a route. */
    @FunctionalInterface
    interface Handler {
        void handle(Request request) throws IOException, ApiException;
    }

    /** The path parameters when {@code rawPath} matches the pattern, else null. */
    Map<String, String> match(String rawPath) throws ApiException {
        List<String> want = segments(pattern);
        List<String> have = segments(rawPath);
        if (want.size() != have.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            if (w.startsWith("{") && w.endsWith("}")) {
                if (have.get(i).isEmpty()) {
                    return null;
                }
                parameters.put(w.substring(1, w.length() - 1), Request.decodePath(have.get(i)));
            } else if (!w.equals(have.get(i))) {
                return null;
            }
        }
        return parameters;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>(List.of(path.split("/", -1)));
        if (!segments.isEmpty() && segments.get(0).isEmpty()) {
            segments.remove(0);
        }
        return segments;
    }
}
