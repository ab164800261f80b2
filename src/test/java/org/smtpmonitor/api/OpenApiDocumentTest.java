package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.TestApi;

/**
 * docs/openapi.yaml and the running API agree: every operation the document has is answered
 * (not "no such path", not 405), and every route the server has is in the document. A route
 * added without documenting it, or a documented path nobody built, fails here.
 */
class OpenApiDocumentTest {

    private static final Path DOCUMENT = Path.of("docs/openapi.yaml");
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");

    @TempDir
    Path directory;

    /**
     * The document's operations, as {@code "GET /api/messages/{id}"}, each with the query
     * parameters it names ({@code - name:} lines followed by {@code in: query}), read by one
     * scan of its {@code paths:} lines.
     */
    static Map<String, Set<String>> documented() throws Exception {
        Pattern name = Pattern.compile("^\\s+- name: (\\S+)\\s*$");
        Pattern inQuery = Pattern.compile("^\\s+in: query\\s*$");
        Map<String, Set<String>> operations = new TreeMap<>();
        boolean inPaths = false;
        String path = null;
        String operation = null;
        String pending = null;
        for (String line : Files.readAllLines(DOCUMENT, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("#")) {
                inPaths = line.equals("paths:");
                continue;
            }
            if (!inPaths) {
                continue;
            }
            Matcher p = PATH.matcher(line);
            Matcher m = METHOD.matcher(line);
            Matcher n = name.matcher(line);
            if (p.matches()) {
                path = p.group(1);
                operation = null;
            } else if (m.matches() && path != null) {
                operation = m.group(1).toUpperCase(Locale.ROOT) + " " + path;
                operations.put(operation, new TreeSet<>());
            } else if (n.matches()) {
                pending = n.group(1);
            } else if (inQuery.matcher(line).matches() && pending != null && operation != null) {
                operations.get(operation).add(pending);
                pending = null;
            }
        }
        return operations;
    }

    static Set<String> documentedOperations() throws Exception {
        return documented().keySet();
    }

    /** The query parameters of every operation, as {@code "GET /api/events?mailbox"}. */
    static Set<String> documentedQueryParameters() throws Exception {
        Set<String> parameters = new TreeSet<>();
        documented().forEach((operation, names) -> names.forEach(q -> parameters.add(operation + "?" + q)));
        return parameters;
    }

    @Test
    void theScanFindsTheContractsPaths() throws Exception {
        Set<String> documented = documentedOperations();
        // The contract's operations, so that a scan that found nothing cannot pass the tests below.
        for (String operation : List.of("GET /api/status", "GET /api/mailboxes", "GET /api/messages",
                "GET /api/messages/{id}", "GET /api/messages/{id}/raw", "GET /api/messages/{id}/parts/{n}",
                "DELETE /api/messages/{id}", "DELETE /api/mailboxes/{address}/messages", "GET /api/sessions",
                "GET /api/sessions/{id}", "GET /api/events", "POST /api/messages/{id}/release")) {
            assertTrue(documented.contains(operation), operation + " in " + documented);
        }
    }

    @Test
    void everyRouteOfTheServerIsDocumented() throws Exception {
        Set<String> documented = documentedOperations();
        try (TestApi api = TestApi.start(directory)) {
            Set<String> routes = new TreeSet<>();
            api.api().routes().forEach(route -> routes.add(route.method() + " " + route.pattern()));
            assertTrue(routes.size() >= 8, routes.toString());
            Set<String> undocumented = new TreeSet<>(routes);
            undocumented.removeAll(documented);
            assertEquals(Set.of(), undocumented, "routes missing from " + DOCUMENT);
        }
    }

    @Test
    void everyQueryParameterARouteTakesIsDocumented() throws Exception {
        // The server refuses (400) a query parameter a route does not take, so the document must name every one it does.
        Set<String> documented = documentedQueryParameters();
        assertTrue(documented.contains("GET /api/messages?mailbox"), documented.toString());
        try (TestApi api = TestApi.start(directory)) {
            Set<String> taken = new TreeSet<>();
            api.api().routes().forEach(route -> route.query().forEach(q ->
                    taken.add(route.method() + " " + route.pattern() + "?" + q)));
            assertEquals(taken, documented, "the query parameters of the server's routes and of " + DOCUMENT);
        }
    }

    @Test
    void everyDocumentedOperationIsAnswered() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            List<String> unanswered = new ArrayList<>();
            for (String operation : documentedOperations()) {
                String method = operation.substring(0, operation.indexOf(' '));
                // Ids and names nobody has: every operation is tried, and nothing is deleted.
                String path = operation.substring(method.length() + 1).replace("{id}", "999999999")
                        .replace("{n}", "1").replace("{address}", "nobody@example.com");
                HttpRequest.Builder request = api.request(path).header("Content-Type", "application/json")
                        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                                : HttpRequest.BodyPublishers.noBody());
                HttpResponse<InputStream> response = api.http().send(request.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                String body;
                try (InputStream in = response.body()) {
                    // An event stream does not end: its headers are the answer.
                    body = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
                            ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                int status = response.statusCode();
                if (status == 405 || status == 404 && body.contains("no such path") || status >= 500) {
                    unanswered.add(operation + " -> " + status + " " + body);
                }
            }
            assertEquals(List.of(), unanswered, "documented in " + DOCUMENT + " but not answered");
        }
    }

    @Test
    void theDocumentIsValidOpenApi() throws Exception {
        String check = "import importlib.util, sys\n"
                + "if importlib.util.find_spec('openapi_spec_validator') is None:\n"
                + "    print('absent'); sys.exit(0)\n"
                + "from openapi_spec_validator import validate\n"
                + "from openapi_spec_validator.readers import read_from_filename\n"
                + "spec, _ = read_from_filename(sys.argv[1])\n"
                + "validate(spec)\n"
                + "print('valid')\n";
        // The python3 on the PATH: the validator is a pip package, which the system's Python may lack.
        Path script = Files.writeString(directory.resolve("validate.py"), check, StandardCharsets.UTF_8);
        String out;
        try {
            out = ExternalProcess.run(directory, List.of("python3", script.toString(),
                    DOCUMENT.toAbsolutePath().toString()), 60).strip();
        } catch (java.io.IOException e) {
            out = "absent"; // no python3 at all
        }
        assumeTrue(!out.equals("absent"), "openapi-spec-validator is not installed");
        assertEquals("valid", out);
    }
}
