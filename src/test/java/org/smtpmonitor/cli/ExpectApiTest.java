package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.cli.ExpectCommandTest.ALICE;
import static org.smtpmonitor.cli.ExpectCommandTest.deliver;
import static org.smtpmonitor.cli.ExpectCommandTest.matchIds;
import static org.smtpmonitor.cli.ExpectCommandTest.message;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;
import org.smtpmonitor.testing.TestMonitor;
import org.w3c.dom.Element;

/**
 * {@code smtp-monitor expect --api}: against a real server's HTTP API on an ephemeral port,
 * with mail sent over real SMTP: found, not found (the closest read through
 * {@code GET /api/messages/{id}}), arriving during the wait, the token, and no API there.
 */
class ExpectApiTest {

    private static final String TOKEN = "ci-t0ken";

    @TempDir
    Path directory;

    private static CommandRun expect(TestApi api, String... args) {
        List<String> all = new ArrayList<>(List.of("expect", "--api", api.api().url()));
        all.addAll(List.of(args));
        return CommandRun.run("", all.toArray(String[]::new));
    }

    /** The id of the newest message whose subject holds {@code words}, as the API's search finds it. */
    private static long idOf(TestApi api, String words) throws Exception {
        String json = api.get("/api/messages?q=subject:" + words).body();
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(json);
        assertTrue(id.find(), json);
        return Long.parseLong(id.group(1));
    }

    @Test
    void aMatchIsFoundAndAMissNamesTheClosestWithTheFieldsAndTextTheApiServes() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            TestMonitor monitor = api.monitor();
            deliver(monitor, message("Lunch", "see you"));
            try (var client = monitor.ehloClient()) {
                assertTrue(client.sendMessage("shop@client.test", List.of("bob@example.com"),
                        "From: Shop <shop@client.test>\r\nTo: bob@example.com\r\nCc: Dave <dave@elsewhere.test>\r\n"
                                + "Subject: Password reset\r\n\r\nYour link: token=abc123\r\n").startsWith("250 "));
            }
            monitor.monitor().store().awaitIndexed();
            long reset = idOf(api, "reset");

            CommandRun found = expect(api, "--to", "DAVE@elsewhere.test", "--subject", "/reset/", "--body", "/token=\\w+/");
            assertEquals(0, found.exit(), found.out() + found.err());
            assertEquals(List.of(reset), matchIds(found));
            assertTrue(found.out().contains("from Shop <shop@client.test>  to bob@example.com  \"Password reset\""),
                    found.out());

            CommandRun missed = expect(api, "--to", "dave@elsewhere.test", "--subject", "reset", "--body", "/code=\\d+/");
            assertEquals(1, missed.exit(), missed.out() + missed.err());
            assertTrue(missed.outLines().contains("closest: #" + reset
                    + " \"Password reset\" to bob@example.com: body did not match /code=\\d+/\n"), missed.out());
        }
    }

    @Test
    void aMessageThatArrivesDuringTheWaitIsFoundAndNewIgnoresTheOlderOne() throws Exception {
        try (TestApi api = TestApi.start(directory)) {
            deliver(api.monitor(), message("Your code", "code: 111111"));
            CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1_000);
                    deliver(api.monitor(), message("Your code", "code: 222222"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            CommandRun run = expect(api, "--subject", "code", "--new", "--within", "10s");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            later.get(30, TimeUnit.SECONDS);
            assertEquals(0, run.exit(), run.out() + run.err());
            assertEquals(1, matchIds(run).size(), run.out());
            assertTrue(run.out().contains("1 new message matched"), run.out());
            assertTrue(took < 8_000, "found once it arrived, not at the end of the wait: " + took + " ms");
            CommandRun both = expect(api, "--subject", "code", "--body", "/2{6}/");
            assertEquals(matchIds(run), matchIds(both), "the one found is the one sent later");
        }
    }

    @Test
    void withATokenRequiredAMissingOrWrongOneIs401AndTheRightOneFinds() throws Exception {
        try (TestApi api = TestApi.start(directory, TestMonitor.settings(directory), TOKEN)) {
            deliver(api.monitor(), message("Hello", "world"));
            Path report = directory.resolve("report.xml");
            CommandRun none = expect(api, "--subject", "hello", "--junit", report.toString());
            assertEquals(1, none.exit());
            assertTrue(none.err().contains("refused the request (401): it needs a token, give --token"), none.err());
            Element error = (Element) ExpectCommandTest.testcase(ExpectCommandTest.parse(report))
                    .getElementsByTagName("error").item(0);
            assertTrue(error.getAttribute("message").contains("(401)"), error.getAttribute("message"));

            CommandRun wrong = expect(api, "--subject", "hello", "--token", TOKEN + "x");
            assertEquals(1, wrong.exit());
            assertTrue(wrong.err().contains("refused the request (401): wrong --token"), wrong.err());

            CommandRun right = expect(api, "--subject", "hello", "--token", TOKEN);
            assertEquals(0, right.exit(), right.out() + right.err());
            assertEquals(1, matchIds(right).size());
        }
    }

    @Test
    void anApiThatCannotBeReachedIsAClearErrorWithStatusOne() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        CommandRun run = CommandRun.run("", "expect", "--api", "http://127.0.0.1:" + port, "--to", ALICE,
                "--within", "1s");
        assertEquals(1, run.exit(), run.out() + run.err());
        assertTrue(run.err().startsWith("smtp-monitor: cannot reach the API at http://127.0.0.1:" + port), run.err());
        assertEquals("", run.out());

        CommandRun notAUrl = CommandRun.run("", "expect", "--api", "ftp://127.0.0.1:21", "--to", ALICE);
        assertEquals(2, notAUrl.exit());
        assertTrue(notAUrl.err().contains("--api: 'ftp://127.0.0.1:21' is not an http:// or https:// address"),
                notAUrl.err());
    }
}
