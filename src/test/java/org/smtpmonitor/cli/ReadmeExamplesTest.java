package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.w3c.dom.Element;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The README's "Use it in your tests" examples, run for real against a real headless
 * smtp-monitor with its HTTP API on, so that the documentation cannot rot: the pytest
 * example under pytest, each curl line under bash and curl, the {@code smtp-monitor expect}
 * line through {@link Main}'s command line, and the Java snippet compiled and run. Only
 * the example ports (2525 for SMTP, 8025 for the API) and the example message id (42) are
 * rewritten; a README that stops using them fails here, loudly, rather than testing nothing.
 * A failure here means the README (or the server) is wrong: fix the README's text, not this test.
 */
class ReadmeExamplesTest {

    private static final String SECTION = "## Use it in your tests";
    private static final String ALICE = "alice@example.com";
    private static final int EXAMPLE_SMTP_PORT = 2525;
    private static final int EXAMPLE_API_PORT = 8025;
    private static final Pattern HTTP_API = Pattern.compile("HTTP API on http://127\\.0\\.0\\.1:(\\d+)/?");
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The attachment of {@link #multipart()}: every byte value, so that a decoding slip shows. */
    private static final byte[] ATTACHMENT = new byte[256];

    static {
        for (int i = 0; i < ATTACHMENT.length; i++) {
            ATTACHMENT[i] = (byte) i;
        }
    }

    @TempDir
    static Path serverDirectory;

    private static HeadlessServerProcess server;
    private static int smtpPort;
    private static int apiPort;

    @BeforeAll
    static void startServer() throws Exception {
        Path users = Files.writeString(serverDirectory.resolve("users.txt"), ALICE + "\n");
        Path mail = Files.createDirectories(serverDirectory.resolve("mail"));
        // Port 0 for both: the system's free ports, with no window between finding one and binding it.
        server = HeadlessServerProcess.start(users, "--mailbox-dir", mail.toString(), "--http-port", "0");
        smtpPort = server.address().getPort();
        apiPort = Integer.parseInt(apiLine().group(1));
    }

    /** The "HTTP API on ..." line, whether it came before or after the line the start waited for. */
    private static Matcher apiLine() throws InterruptedException {
        for (String line : server.output()) {
            Matcher matcher = HTTP_API.matcher(line);
            if (matcher.matches()) {
                return matcher;
            }
        }
        return server.awaitLine(HTTP_API);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theExamplesUseThePortsOfTheServerLine() throws IOException {
        String start = indentedLines(section()).stream().filter(l -> l.startsWith("smtp-monitor users.txt")).findFirst()
                .orElseThrow(() -> new AssertionError("the section no longer starts the server with 'smtp-monitor users.txt'"));
        assertTrue(start.contains("--headless"), start);
        assertTrue(start.contains("--port " + EXAMPLE_SMTP_PORT), start);
        assertTrue(start.contains("--http-port " + EXAMPLE_API_PORT), start);
    }

    @Test
    void thePytestExamplePasses(@TempDir Path work) throws Exception {
        Python.assumeInstalled();
        assumeTrue(new ProcessBuilder(Python.PYTHON.toString(), "-c", "import pytest").start().waitFor() == 0,
                Python.PYTHON + " has no pytest module (apt-get install python3-pytest)");
        String code = fenced(section(), "python");
        code = rewritePort(rewritePort(code, EXAMPLE_SMTP_PORT, smtpPort), EXAMPLE_API_PORT, apiPort);
        Files.writeString(work.resolve("test_readme.py"), code, StandardCharsets.UTF_8);

        // ExternalProcess fails the test, with pytest's output, on any exit but 0.
        String out = ExternalProcess.run(work, List.of(Python.PYTHON.toString(), "-m", "pytest", "-q", "test_readme.py"),
                120);
        assertTrue(out.contains("1 passed"), out);
        // And it ran against this server: what it sent is alice's newest message.
        assertEquals("Password reset", newest().get("subject").asText());
    }

    @Test
    void everyCurlLineAnswers(@TempDir Path work) throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed");
        List<String> lines = indentedLines(section()).stream().filter(l -> l.startsWith("curl ")).toList();
        assertFalse(lines.isEmpty(), "the section has no curl lines any more");

        clearAlice();
        byte[] sent = multipart();
        send(sent);
        long id = awaitNewest("Password reset").get("id").asLong();
        // A message is listed at once, but searchable only once the index has its words: a
        // moment later. The search line is checked on a message that is.
        awaitSearchable(id);

        for (String line : lines) {
            String command = rewritePort(line, EXAMPLE_API_PORT, apiPort);
            if (command.contains("/api/events")) {
                checkEvents(work, command);
                continue;
            }
            if (command.contains("/api/messages/")) {
                command = rewriteNumber(command, 42, id);
            }
            Curl curl = Curl.run(work, command);
            String why = "README line: " + line + "\nrun as: " + curl.command + "\n";
            if (command.contains("-X DELETE") && command.contains("/api/mailboxes/" + ALICE + "/messages")) {
                assertTrue(curl.json(why).get("deleted").asInt() >= 1, why + curl.text());
                assertEquals(0, call("/messages?mailbox=" + ALICE).get("messages").size(), why + "alice is not empty");
            } else if (hasPath(command, "/api/messages/" + id + "/raw")) {
                curl.assertOk(why);
                assertEquals("message/rfc822", curl.header("Content-Type"), why);
                assertArrayEquals(sent, curl.body, why + "the bytes as sent, byte for byte");
            } else if (hasPath(command, "/api/messages/" + id + "/parts/3")) {
                curl.assertOk(why);
                assertArrayEquals(ATTACHMENT, curl.body, why + "part 3, the attachment, decoded");
            } else if (hasPath(command, "/api/messages/" + id)) {
                JsonNode message = curl.json(why);
                assertEquals(id, message.get("id").asLong(), why);
                assertEquals("Password reset", message.get("subject").asText(), why);
                assertTrue(message.get("text").asText().contains("token=abc"), why + curl.text());
                assertEquals(3, message.get("parts").size(), why + curl.text());
            } else if (command.contains("/api/messages?") && command.contains("q=")) {
                JsonNode messages = curl.json(why).get("messages");
                assertEquals(1, messages.size(), why + curl.text());
                assertEquals(id, messages.get(0).get("id").asLong(), why + curl.text());
            } else if (command.contains("/api/messages?") && command.contains("mailbox=" + ALICE)) {
                JsonNode messages = curl.json(why).get("messages");
                assertEquals(1, messages.size(), why + curl.text());
                assertEquals(id, messages.get(0).get("id").asLong(), why + curl.text());
                assertEquals("Password reset", messages.get(0).get("subject").asText(), why);
            } else {
                fail("ReadmeExamplesTest has no check for this README curl line; add one: " + line);
            }
        }
    }

    /** Whether {@code command} has {@code path}, not followed by more of a path. */
    private static boolean hasPath(String command, String path) {
        return Pattern.compile(Pattern.quote(path) + "(?![\\w/.-])").matcher(command).find();
    }

    /**
     * {@code curl -sN .../api/events}: it must connect (200, text/event-stream), say
     * {@code : subscribed}, and then stream the message-delivered event of a message sent
     * after that, live. curl gets {@code --max-time} (the line itself would stream forever)
     * and is stopped once the event is in.
     */
    private static void checkEvents(Path work, String command) throws Exception {
        Path headers = work.resolve("events-headers.txt");
        Path body = work.resolve("events-body.txt");
        String run = command.replaceFirst("^curl ", "exec curl --max-time 20 --dump-header " + headers + " --output " + body + " ");
        Process curl = new ProcessBuilder("bash", "-c", run).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("events-out.txt").toFile()).start();
        try {
            String why = "README line: " + command + "\nrun as: " + run + "\n";
            awaitFile(curl, body, text -> text.contains(": subscribed\n"), why + "no ': subscribed'");
            List<String> head = Files.readAllLines(headers, StandardCharsets.ISO_8859_1);
            assertTrue(head.get(0).matches("HTTP/\\S+ 200( .*)?"), why + head);
            assertTrue(head.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("content-type: text/event-stream")),
                    why + head);
            send("Subject: streamed\r\n\r\nlive\r\n".getBytes(StandardCharsets.US_ASCII));
            long id = awaitNewest("streamed").get("id").asLong();
            awaitFile(curl, body, text -> text.contains("event: message-delivered\n")
                    && text.contains("{\"id\":" + id + ",\"mailbox\":\"" + ALICE + "\"}"),
                    why + "no message-delivered event for message " + id);
        } finally {
            curl.destroyForcibly();
            curl.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitFile(Process process, Path file, Predicate<String> done, String why)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            if (done.test(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail(why + ": curl ended with " + process.exitValue() + "; it printed:\n" + text);
            }
            Thread.sleep(20);
        }
        fail(why + " within 15 s; curl printed:\n" + text);
    }

    @Test
    void theExpectLinePassesAndWritesItsJunitReport(@TempDir Path work) throws Exception {
        List<String> lines = indentedLines(section());
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("smtp-monitor expect ")) {
                start = i;
            }
        }
        assertTrue(start >= 0, "the section has no 'smtp-monitor expect' line any more");
        StringBuilder joined = new StringBuilder(lines.get(start));
        for (int i = start; lines.get(i).endsWith("\\"); i++) {
            joined.setLength(joined.length() - 1);
            joined.append(' ').append(lines.get(i + 1).strip());
        }
        String line = rewritePort(joined.toString(), EXAMPLE_API_PORT, apiPort);
        // The words as a shell splits them (quotes and all), by bash itself.
        String words = ExternalProcess.run(work, List.of("bash", "-c", "printf '%s\\0' " + line), 10);
        List<String> args = new ArrayList<>(Arrays.asList(words.split("\0")));
        assertEquals("smtp-monitor", args.remove(0), line);
        assertEquals("expect", args.get(0), line);
        int junit = args.indexOf("--junit");
        assertTrue(junit > 0 && junit + 1 < args.size(), "the expect line no longer writes a JUnit report: " + line);
        Path report = work.resolve("mail.xml");
        args.set(junit + 1, report.toString());

        clearAlice();
        send("Subject: Password reset\r\n\r\ntoken=abc\r\n".getBytes(StandardCharsets.US_ASCII));
        CommandRun run = CommandRun.run("", args.toArray(String[]::new));
        assertEquals(0, run.exit(), "run as: " + args + "\nstdout: " + run.out() + "\nstderr: " + run.err());
        assertTrue(Files.exists(report), "no JUnit report at " + report);
        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                .getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("0", suite.getAttribute("failures"), Files.readString(report));
    }

    @Test
    void theJavaSnippetCompilesAndChecksTheNewestSubject(@TempDir Path work) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "no system Java compiler (a JRE, not a JDK?)");
        String snippet = rewritePort(fenced(section(), "java"), EXAMPLE_API_PORT, apiPort);
        String source = "package readme;\n\nimport java.net.*;\nimport java.net.http.*;\n"
                + "import static org.junit.jupiter.api.Assertions.*;\n\n"
                + "public class ReadmeSnippet {\n    public static void run() throws Exception {\n"
                + snippet.indent(8) + "    }\n}\n";
        Path file = Files.createDirectories(work.resolve("src/readme")).resolve("ReadmeSnippet.java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(work.resolve("classes"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean compiled = compiler.getTask(null, files, diagnostics,
                    List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                    null, files.getJavaFileObjects(file)).call();
            assertTrue(compiled, "the README's Java snippet does not compile:\n" + diagnostics.getDiagnostics() + "\n" + source);
        }

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method run = loader.loadClass("readme.ReadmeSnippet").getMethod("run");

            clearAlice();
            send("Subject: Password reset\r\n\r\nReset: https://x.test/?token=abc\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitNewest("Password reset");
            try {
                run.invoke(null);
            } catch (InvocationTargetException e) {
                throw new AssertionError("the README's Java snippet fails on a password reset mail", e.getCause());
            }

            // It checks something: alice's newest with another subject fails it.
            send("Subject: Welcome\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitNewest("Welcome");
            InvocationTargetException failed = assertThrows(InvocationTargetException.class, () -> run.invoke(null));
            assertInstanceOf(AssertionFailedError.class, failed.getCause());
        }
    }

    // ---- the README ----

    /** The section "Use it in your tests", up to the next section. */
    private static String section() throws IOException {
        Path readme = Path.of("README.md");
        assertTrue(Files.isRegularFile(readme), "no README.md in " + Path.of("").toAbsolutePath());
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf("\n" + SECTION + "\n");
        assertTrue(start >= 0, "README.md has no section '" + SECTION + "'");
        int end = text.indexOf("\n## ", start + 1);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** The one ```LANGUAGE block of {@code section}, without its fences. */
    private static String fenced(String section, String language) {
        Matcher matcher = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```\\s*$").matcher(section);
        assertTrue(matcher.find(), "the section has no ```" + language + " block any more");
        String code = matcher.group(1);
        assertFalse(matcher.find(), "the section has more than one ```" + language + " block: which is the example?");
        return code;
    }

    /** The lines of the section's indented (4-space) code blocks, without the indent. */
    private static List<String> indentedLines(String section) {
        return section.lines().filter(l -> l.startsWith("    ")).map(l -> l.substring(4)).toList();
    }

    /** {@code code} with the number {@code from} (not part of a longer one) as {@code to}, failing if it has none. */
    private static String rewritePort(String code, int from, int to) {
        return rewriteNumber(code, from, to);
    }

    private static String rewriteNumber(String code, long from, long to) {
        Pattern number = Pattern.compile("(?<![0-9])" + from + "(?![0-9])");
        assertTrue(number.matcher(code).find(), "the README's example no longer has " + from + " (the test rewrites it):\n"
                + code);
        return number.matcher(code).replaceAll(Long.toString(to));
    }

    // ---- the server ----

    private static void send(byte[] message) throws IOException {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
            client.command("EHLO client.test");
            String reply = client.sendMessage("app@example.org", List.of(ALICE), message);
            assertTrue(reply.startsWith("250 "), reply);
        }
    }

    private static JsonNode call(String path) throws IOException, InterruptedException {
        return call("GET", path);
    }

    private static JsonNode call(String method, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api" + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static void clearAlice() throws IOException, InterruptedException {
        call("DELETE", "/mailboxes/" + ALICE + "/messages");
    }

    /** Alice's newest message, as the API lists it; null if she has none. */
    private static JsonNode newest() throws IOException, InterruptedException {
        JsonNode messages = call("/messages?mailbox=" + ALICE + "&size=1").get("messages");
        return messages.isEmpty() ? null : messages.get(0);
    }

    /** Waits (up to 15 s) until alice's newest message has {@code subject}; returns it. */
    private static JsonNode awaitNewest(String subject) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonNode newest = newest();
        while (newest == null || !subject.equals(newest.get("subject").asText())) {
            if (System.nanoTime() > deadline) {
                fail("alice's newest message is not '" + subject + "' within 15 s: " + newest + "\nserver log:\n"
                        + server.excerpt());
            }
            Thread.sleep(20);
            newest = newest();
        }
        return newest;
    }

    /** Waits (up to 15 s) until a search for alice's mail with a token finds message {@code id}. */
    private static void awaitSearchable(long id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!call("/messages?mailbox=" + ALICE + "&q=token").get("messages").findValuesAsText("id")
                .contains(Long.toString(id))) {
            if (System.nanoTime() > deadline) {
                fail("message " + id + " is not searchable within 15 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * The message for the curl lines: multipart/mixed (part 1) of a text/plain (part 2)
     * with the token and {@link #ATTACHMENT} in base64 (part 3). No line starts with a dot,
     * so what is sent is what is stored.
     */
    private static byte[] multipart() {
        return ("From: app@example.org\r\nTo: " + ALICE + "\r\nSubject: Password reset\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nReset: https://x.test/?token=abc\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"bytes.bin\"\r\n\r\n"
                + Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(ATTACHMENT) + "\r\n"
                + "--b--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One README curl line run by bash, with curl told where to put the headers and body and to print the status. */
    private record Curl(String command, int status, List<String> headers, byte[] body) {

        static Curl run(Path work, String line) throws IOException, InterruptedException {
            Path headers = Files.createTempFile(work, "headers", ".txt");
            Path body = Files.createTempFile(work, "body", ".bin");
            String command = line.replaceFirst("^curl ", "curl --max-time 30 --show-error --dump-header " + headers
                    + " --output " + body + " --write-out '%{http_code}' ");
            String status = ExternalProcess.run(work, List.of("bash", "-c", command), 60);
            return new Curl(command, Integer.parseInt(status.strip()),
                    Files.readAllLines(headers, StandardCharsets.ISO_8859_1), Files.readAllBytes(body));
        }

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).findFirst().orElse("");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        void assertOk(String why) {
            assertTrue(status >= 200 && status < 300, why + "status " + status + ": " + text());
        }

        JsonNode json(String why) throws IOException {
            assertOk(why);
            assertEquals("application/json; charset=utf-8", header("Content-Type"), why);
            return JSON.readTree(body);
        }
    }
}
