package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.ScriptedSmtpServer;
import org.smtpmonitor.testing.TestMonitor;

/** {@code smtp-monitor bench}: short runs against the real server, checking what arrived, never the speed. */
class BenchCommandTest {

    /** The whole JSON report, key by key in order: anything else is not well-formed for us. */
    private static final Pattern JSON = Pattern.compile("\\{\"host\":\"127\\.0\\.0\\.1\",\"port\":(\\d+),\"conns\":(\\d+),"
            + "\"messages\":(\\d+),\"size\":(\\d+),\"pipelining\":(true|false),\"ok\":(\\d+),\"errors\":(\\d+),"
            + "\"seconds\":(\\d+\\.\\d+),\"messagesPerSecond\":(\\d+\\.\\d+),\"mbPerSecond\":(\\d+\\.\\d+),"
            + "\"latencyMs\":\\{\"p50\":(\\d+\\.\\d+),\"p90\":(\\d+\\.\\d+),\"p99\":(\\d+\\.\\d+),\"max\":(\\d+\\.\\d+)\\},"
            + "\"runId\":\"([0-9a-z]{8})\",\"verified\":(?:null|\\{\"found\":(\\d+),\"missing\":(\\d+),\"duplicates\":(\\d+)\\}),"
            + "\"warmup\":(\\d+),\"messagesPerConnection\":(null|\\d+),"
            + "\"tls\":(?:null|\\{\"protocol\":\"(TLSv1\\.[23])\",\"cipher\":\"(\\w+)\","
            + "\"handshakeMs\":\\{\"p50\":(\\d+\\.\\d+),\"max\":(\\d+\\.\\d+)\\}\\})\\}");

    @TempDir
    Path directory;
    private TestMonitor server;

    @BeforeEach
    void start() throws Exception {
        server = TestMonitor.start(directory);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CommandRun bench(int port, String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "--port", String.valueOf(port)));
        all.addAll(List.of(args));
        return CommandRun.run("", all.toArray(String[]::new));
    }

    private static Matcher json(CommandRun run) {
        Matcher json = JSON.matcher(run.out().strip());
        assertTrue(json.matches(), run.out());
        return json;
    }

    private static double number(Matcher json, int group) {
        return Double.parseDouble(json.group(group));
    }

    /** The report is consistent in itself: rates from counts and time, percentiles in order. */
    private static void assertConsistent(Matcher json) {
        double seconds = number(json, 8);
        assertTrue(seconds > 0);
        double ok = number(json, 6);
        assertEquals(ok / seconds, number(json, 9), Math.max(0.1, ok / seconds * 1e-3));
        assertEquals(ok * number(json, 4) / seconds / 1e6, number(json, 10), 0.002 + ok * number(json, 4) / seconds / 1e9);
        double p50 = number(json, 11);
        double p90 = number(json, 12);
        double p99 = number(json, 13);
        double max = number(json, 14);
        assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max, json.group());
    }

    private void assertDeliveredOnce(String runId, int messages, int size, Path mailbox) throws IOException {
        String text = Files.readString(mailbox, StandardCharsets.US_ASCII);
        assertEquals((long) messages * size, Files.size(mailbox), "a raw mailbox holds each message as sent");
        int width = String.valueOf(messages).length();
        for (int n = 1; n <= messages; n++) {
            String header = "\r\nX-Bench-Id: " + runId + "-" + String.format("%0" + width + "d", n) + "\r\n";
            int first = text.indexOf(header);
            assertTrue(first >= 0, "message " + n + " missing");
            assertEquals(-1, text.indexOf(header, first + 1), "message " + n + " twice");
        }
    }

    @Test
    void lockStepRunDeliversEveryMessageOnceAndReportsJson() throws IOException {
        Path mailbox = server.mailbox("alice@example.com");
        CommandRun run = bench(server.port(), "--conns", "3", "--messages", "50", "--size", "1024",
                "--rcpt", "alice@example.com", "--verify-mailbox", mailbox.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err());
        Matcher json = json(run);
        assertEquals(String.valueOf(server.port()), json.group(1));
        assertEquals("3", json.group(2));
        assertEquals("50", json.group(3));
        assertEquals("1024", json.group(4));
        assertEquals("false", json.group(5));
        assertEquals("50", json.group(6));
        assertEquals("0", json.group(7));
        assertEquals(List.of("50", "0", "0"), List.of(json.group(16), json.group(17), json.group(18)));
        assertConsistent(json);
        assertDeliveredOnce(json.group(15), 50, 1024, mailbox);
    }

    @Test
    void pipelinedRunToTwoRecipientsDeliversEveryMessageToBoth() throws IOException {
        Path alice = server.mailbox("alice@example.com");
        Path bob = server.mailbox("bob@example.com");
        CommandRun run = bench(server.port(), "--conns", "3", "--messages", "50", "--size", "2000",
                "--rcpt", "alice@example.com", "--rcpt", "bob@example.com", "--pipelining",
                "--verify-mailbox", bob.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        Matcher json = json(run);
        assertEquals("true", json.group(5));
        assertEquals("50", json.group(6));
        assertEquals("0", json.group(7));
        assertEquals(List.of("50", "0", "0"), List.of(json.group(16), json.group(17), json.group(18)));
        assertConsistent(json);
        assertDeliveredOnce(json.group(15), 50, 2000, alice);
        assertDeliveredOnce(json.group(15), 50, 2000, bob);
    }

    @Test
    void spreadSendsEachMessageToOneRecipientInTurn() throws IOException {
        for (String mode : List.of("--timeout=10s", "--pipelining")) { // lock-step, then pipelined
            Path alice = server.mailbox("alice@example.com");
            Path bob = server.mailbox("bob@example.com");
            long aliceBefore = Files.size(alice);
            long bobBefore = Files.size(bob);
            CommandRun run = bench(server.port(), "--conns", "3", "--messages", "31", "--size", "1024",
                    "--rcpt", "alice@example.com", "--rcpt", "bob@example.com", "--spread", "--json", mode);
            assertEquals(0, run.exit(), run.err());
            Matcher json = json(run);
            assertEquals("31", json.group(6), mode);
            assertEquals("0", json.group(7), mode);
            assertEquals(16L * 1024, Files.size(alice) - aliceBefore, mode);
            assertEquals(15L * 1024, Files.size(bob) - bobBefore, mode);
            String aliceText = Files.readString(alice, StandardCharsets.US_ASCII);
            String bobText = Files.readString(bob, StandardCharsets.US_ASCII);
            for (int n = 1; n <= 31; n++) {
                String header = "\r\nX-Bench-Id: " + json.group(15) + "-" + String.format("%02d", n) + "\r\n";
                assertEquals(n % 2 == 1, aliceText.contains(header), mode + ": message " + n + " in alice's mailbox");
                assertEquals(n % 2 == 0, bobText.contains(header), mode + ": message " + n + " in bob's mailbox");
            }
            assertEquals(-1, aliceText.indexOf("bob@"), mode + ": the To: header names its own recipient only");
            assertEquals(-1, bobText.indexOf("alice@"), mode + ": the To: header names its own recipient only");
        }
    }

    @Test
    void aWarmUpRunsFirstAndIsNeitherCountedNorVerified() throws IOException {
        Path mailbox = server.mailbox("alice@example.com");
        CommandRun run = bench(server.port(), "--conns", "3", "--messages", "30", "--warmup", "20", "--size", "1024",
                "--rcpt", "alice@example.com", "--verify-mailbox", mailbox.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        Matcher json = json(run);
        assertEquals("30", json.group(6));
        assertEquals("20", json.group(19));
        assertEquals(List.of("30", "0", "0"), List.of(json.group(16), json.group(17), json.group(18)));
        assertEquals(50L * 1024, Files.size(mailbox), "the warm-up's messages were delivered too");
        assertDeliveredOnceAmongOthers(json.group(15), 30, mailbox);

        CommandRun text = bench(server.port(), "--messages", "3", "--warmup", "2", "--rcpt", "alice@example.com");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("warm-up:  2 messages sent first, not counted"), text.out());
        assertTrue(text.out().contains("sent:     3 OK, 0 errors"), text.out());
    }

    @Test
    void aWarmUpThatFailsEndsTheRunWithItsReason() {
        CommandRun run = bench(server.port(), "--messages", "3", "--warmup", "2", "--rcpt", "nobody@example.com");
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertTrue(run.err().contains("the warm-up failed: 0 of 2 messages accepted"), run.err());
    }

    private void assertDeliveredOnceAmongOthers(String runId, int messages, Path mailbox) throws IOException {
        String text = Files.readString(mailbox, StandardCharsets.US_ASCII);
        for (int n = 1; n <= messages; n++) {
            String header = "\r\nX-Bench-Id: " + runId + "-" + String.format("%02d", n) + "\r\n";
            int first = text.indexOf(header);
            assertTrue(first >= 0, "message " + n + " missing");
            assertEquals(-1, text.indexOf(header, first + 1), "message " + n + " twice");
        }
    }

    @Test
    void theTextReportNamesEachFigure() {
        CommandRun run = bench(server.port(), "--conns", "2", "--messages", "7", "--size", "300",
                "--rcpt", "bob@example.com", "--verify-mailbox", server.mailbox("bob@example.com").toString());
        assertEquals(0, run.exit(), run.err());
        String[] lines = run.outLines().split("\n");
        assertEquals(6, lines.length, run.out());
        assertTrue(lines[0].matches("server: {3}220 .*smtp-monitor.*"), lines[0]);
        assertTrue(lines[1].matches("load: {5}2 connections, 7 messages of 300 bytes from bench@localhost to"
                + " bob@example.com, lock-step \\(run id [0-9a-z]{8}\\)"), lines[1]);
        assertTrue(lines[2].matches("sent: {5}7 OK, 0 errors in \\d+\\.\\d{3} s"), lines[2]);
        assertTrue(lines[3].matches("rate: {5}\\d+ messages/s, \\d+\\.\\d\\d MB/s \\(message bytes, 1 MB = 10\\^6 bytes\\)"),
                lines[3]);
        assertTrue(lines[4].matches("latency: {2}p50 [0-9.]+ {2}p90 [0-9.]+ {2}p99 [0-9.]+ {2}max [0-9.]+ ms"
                + " \\(MAIL FROM sent to the final 250, 7 transactions\\)"), lines[4]);
        assertEquals("verified: 7 found, 0 missing, 0 duplicates: every message once", lines[5]);
    }

    @Test
    void anMboxMailboxIsVerifiedToo() throws Exception {
        Path mboxDirectory = Files.createDirectory(directory.resolve("mbox"));
        Files.writeString(mboxDirectory.resolve("users.txt"), "carol@example.com\n");
        try (TestMonitor mbox = TestMonitor.start(mboxDirectory, TestMonitor.settings(mboxDirectory, MailboxFormat.MBOX))) {
            Path mailbox = mbox.mailbox("carol@example.com");
            CommandRun run = bench(mbox.port(), "--conns", "3", "--messages", "40",
                    "--rcpt", "carol@example.com", "--pipelining", "--verify-mailbox", mailbox.toString(), "--json");
            assertEquals(0, run.exit(), run.err());
            Matcher json = json(run);
            assertEquals(List.of("40", "0", "0"), List.of(json.group(16), json.group(17), json.group(18)));
            assertTrue(Files.readString(mailbox).startsWith("From bench@localhost "), "an mbox file");
        }
    }

    @Test
    void anUnknownRecipientMakesEveryTransactionAnErrorAndExitOne() {
        for (String mode : List.of("--timeout=10s", "--pipelining")) { // lock-step, then pipelined
            CommandRun run = bench(server.port(), "--conns", "3", "--messages", "20", "--rcpt", "nobody@example.com",
                    "--json", mode);
            assertEquals(1, run.exit(), mode);
            Matcher json = json(run);
            assertEquals("0", json.group(6), mode);
            assertEquals("20", json.group(7), mode);
            assertEquals(List.of("0.000", "0.000", "0.000", "0.000"),
                    List.of(json.group(11), json.group(12), json.group(13), json.group(14)));
            assertTrue(run.err().contains("smtp-monitor bench: connection 1: first refusal: RCPT TO: 550 Address unknown"),
                    run.err());
        }
    }

    @Test
    void aHostileServersRefusalIsReportedEscaped() throws Exception {
        try (ScriptedSmtpServer hostile = ScriptedSmtpServer.start("220 evil", Map.of("RCPT", "550 no \u001b]0;pwned\u0007"))) {
            CommandRun run = bench(hostile.port(), "--messages", "1", "--rcpt", "alice@example.com");
            assertEquals(1, run.exit());
            assertTrue(run.err().contains("first refusal: RCPT TO: 550 no \\x1b]0;pwned\\x07"), run.err());
            assertTrue(run.err().chars().noneMatch(c -> c == 0x1b || c == 0x07), run.err());
        }
    }

    @Test
    void aHostileServersGreetingIsReportedEscaped() throws Exception {
        try (ScriptedSmtpServer hostile = ScriptedSmtpServer.start("220 evil \u001b]0;pwned\u0007\u202eforged", Map.of())) {
            CommandRun run = bench(hostile.port(), "--messages", "1", "--rcpt", "alice@example.com");
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains("server:   220 evil \\x1b]0;pwned\\x07\\u202eforged"), run.out());
            assertTrue(run.out().chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e), run.out());
        }
    }

    @Test
    void aRecipientRefusedAmongAcceptedOnesIsAnErrorAlthoughTheMessageGoesToTheOthers() {
        Path alice = server.mailbox("alice@example.com");
        CommandRun run = bench(server.port(), "--conns", "2", "--messages", "10", "--rcpt", "alice@example.com",
                "--rcpt", "nobody@example.com", "--pipelining", "--verify-mailbox", alice.toString(), "--json");
        assertEquals(1, run.exit());
        Matcher json = json(run);
        assertEquals("0", json.group(6));
        assertEquals("10", json.group(7));
        assertEquals(List.of("10", "0", "0"), List.of(json.group(16), json.group(17), json.group(18)),
                "pipelined DATA was accepted for alice, so the data had to go");
    }

    @Test
    void aServerThatStopsMidRunEndsEachConnectionAndItsRemainingMessagesAreErrors() throws Exception {
        Path mailbox = server.mailbox("alice@example.com");
        CompletableFuture<CommandRun> running = CompletableFuture.supplyAsync(() -> bench(server.port(),
                "--conns", "2", "--messages", "1000000", "--rcpt", "alice@example.com", "--json"));
        Await.until("20 KB have arrived", Duration.ofSeconds(10), () -> Files.size(mailbox) >= 20 * 1024);
        server.close(); // every session gets a 421
        CommandRun run = running.get(20, TimeUnit.SECONDS);
        assertEquals(1, run.exit());
        Matcher json = json(run);
        long ok = Long.parseLong(json.group(6));
        long errors = Long.parseLong(json.group(7));
        assertTrue(ok >= 20, json.group());
        assertEquals(1_000_000, ok + errors);
        // A 421, or a reset when the server closed while a command was on its way: either ends the connection.
        assertTrue(run.err().matches("(?s).*connection 1: [^\\n]+; \\d+ of its 500000 messages not sent.*"), run.err());
    }

    @Test
    void moreConnectionsThanTheServerTakesFailBeforeTheRun() throws Exception {
        Path limited = Files.createDirectory(directory.resolve("limited"));
        Files.writeString(limited.resolve("users.txt"), "dave@example.com\n");
        Settings defaults = Settings.defaults();
        Settings settings = TestMonitor.settings(limited, MailboxFormat.RAW, defaults.maxMessageSize(), 2,
                defaults.idleTimeout(), false);
        try (TestMonitor small = TestMonitor.start(limited, settings)) {
            CommandRun run = bench(small.port(), "--conns", "3", "--messages", "30",
                    "--rcpt", "dave@example.com");
            assertEquals(1, run.exit());
            assertEquals("", run.out());
            assertTrue(run.err().startsWith("smtp-monitor bench: connection 3: the server refused the session: 421 "),
                    run.err());
            assertEquals(0, Files.size(small.mailbox("dave@example.com")));
        }
    }

    @Test
    void aMissingMailboxFailsVerification() {
        CommandRun run = bench(server.port(), "--messages", "3", "--rcpt", "alice@example.com",
                "--verify-mailbox", directory.resolve("nope.txt").toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("--verify-mailbox: " + directory.resolve("nope.txt") + ": no such file"), run.err());
        assertTrue(run.outLines().contains("\nverified: 0 found, 3 missing, 0 duplicates\n"), run.out());
    }

    @Test
    void aConnectionRefusedIsOneLineAndExitOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CommandRun run = bench(port, "--rcpt", "bob@example.com");
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals("smtp-monitor bench: cannot connect to 127.0.0.1:" + port
                + ": connection refused (is an SMTP server listening there?)\n", run.err().replace(System.lineSeparator(), "\n"));
    }

    private long sessionsOpened() {
        return server.events().all().stream().filter(SessionOpened.class::isInstance).count();
    }

    @Test
    void eachMessageOnAConnectionOfItsOwnDeliversEveryMessageOnce() throws Exception {
        Path mailbox = server.mailbox("alice@example.com");
        CommandRun run = bench(server.port(), "--conns", "3", "--messages", "30", "--messages-per-connection", "1",
                "--rcpt", "alice@example.com", "--verify-mailbox", mailbox.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        Matcher json = json(run);
        assertEquals(List.of("30", "0", "1"), List.of(json.group(6), json.group(7), json.group(20)));
        assertConsistent(json);
        assertDeliveredOnce(json.group(15), 30, 1024, mailbox);
        server.events().awaitClosedSessions(30);
        assertEquals(30, sessionsOpened());
    }

    @Test
    void aFewMessagesAConnectionOpensAsManyConnectionsAsNeededAndSaysSo() throws Exception {
        Path mailbox = server.mailbox("alice@example.com");
        CommandRun run = bench(server.port(), "--conns", "3", "--messages", "30", "--messages-per-connection", "4",
                "--pipelining", "--rcpt", "alice@example.com", "--verify-mailbox", mailbox.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.outLines().contains(", pipelined (run id "), run.out());
        assertTrue(run.outLines().contains("\nsessions: a new connection for every 4 messages, set up while the clock ran:"
                + " connect, greeting, EHLO in the rate\n"), run.out());
        assertTrue(run.outLines().contains("\nverified: 30 found, 0 missing, 0 duplicates"), run.out());
        server.events().awaitClosedSessions(8);
        assertEquals(8, sessionsOpened(), "7 sessions of 4 messages and one of 2");
    }

    @Test
    void sessionsThatCannotConnectAreOneLineAndExitOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CommandRun run = bench(port, "--conns", "2", "--messages", "10", "--messages-per-connection", "1",
                "--rcpt", "bob@example.com");
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals("smtp-monitor bench: cannot connect to 127.0.0.1:" + port
                + ": connection refused (is an SMTP server listening there?)\n", run.err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void badCommandLinesExitTwo() {
        assertEquals(2, bench(server.port()).exit(), "--rcpt is required");
        CommandRun tooSmall = bench(server.port(), "--rcpt", "bob@example.com", "--size", "20");
        assertEquals(2, tooSmall.exit());
        assertTrue(tooSmall.err().contains("--size: 20 bytes is too small: the headers alone take"), tooSmall.err());
        CommandRun conns = bench(server.port(), "--rcpt", "bob@example.com", "--conns", "5", "--messages", "4");
        assertEquals(2, conns.exit());
        assertTrue(conns.err().contains("--conns: must be between 1 and --messages (4)"), conns.err());
        CommandRun warmup = bench(server.port(), "--rcpt", "bob@example.com", "--warmup", "-1");
        assertEquals(2, warmup.exit());
        assertTrue(warmup.err().contains("--warmup: must not be negative"), warmup.err());
        CommandRun spread = bench(server.port(), "--rcpt", "bob@example.com", "--rcpt", "alice@example.com", "--spread",
                "--size", "40MB");
        assertEquals(2, spread.exit());
        assertTrue(spread.err().contains("--size: at most 33554432 bytes with --spread over 2 recipients"), spread.err());
        for (String m : List.of("0", "11")) {
            CommandRun perConnection = bench(server.port(), "--rcpt", "bob@example.com", "--messages", "10",
                    "--messages-per-connection", m);
            assertEquals(2, perConnection.exit(), m);
            assertTrue(perConnection.err().contains("--messages-per-connection: must be between 1 and --messages (10)"),
                    perConnection.err());
        }
        CommandRun address = bench(server.port(), "--rcpt", "bob");
        assertEquals(2, address.exit());
        assertTrue(address.err().contains("--rcpt: 'bob' is not an address"), address.err());
    }
}
