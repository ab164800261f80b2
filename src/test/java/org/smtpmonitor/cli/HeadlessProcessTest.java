package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * {@code smtp-monitor USERS_FILE --headless} as a real process: it logs each session to
 * the console and, on SIGTERM, tells connected clients 421 and stops, keeping what it
 * stored.
 */
class HeadlessProcessTest {

    private static final Pattern WAITING = Pattern.compile(".* Waiting for connections on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path directory;

    @Test
    void headlessServerLogsSessionsAndStopsCleanlyOnSigterm() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), users.toString(), "--headless", "--port", "0", "--mailbox-dir", directory.toString())
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // The process ended.
            }
        }, "headless-output");
        reader.setDaemon(true);
        reader.start();
        List<String> log = new ArrayList<>();
        try {
            int port = Integer.parseInt(awaitLine(lines, log, WAITING).group(1));
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            try (RawSmtpClient sender = RawSmtpClient.connectGreeted(address);
                 RawSmtpClient idle = RawSmtpClient.connectGreeted(address)) {
                sender.command("EHLO client.test");
                String reply = sender.sendMessage("a@client.test", List.of("alice@example.com"), "Subject: hi\r\n\r\nhello\r\n");
                assertTrue(reply.startsWith("250 OK: queued as "), reply);
                awaitLine(lines, log, Pattern.compile(".* Delivered \\S+: 22 bytes from <a@client\\.test> to alice@example\\.com"));

                // SIGTERM. (Process.destroy() would also close our end of its output.)
                assertTrue(process.toHandle().destroy());
                String goodbye = "421 example.com Server shutting down, closing transmission channel";
                assertEquals(goodbye, idle.readReply());
                idle.assertClosedByServer();
                assertEquals(goodbye, sender.readReply());
                sender.assertClosedByServer();
            }
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server did not stop within 20 s of SIGTERM");
            // The JVM reports the signal that ended it: 128 + 15.
            assertEquals(143, process.exitValue());
            reader.join(5000);
            lines.drainTo(log);
        } finally {
            process.destroyForcibly();
        }
        assertEquals("Subject: hi\r\n\r\nhello\r\n", Files.readString(directory.resolve("alice@example.com.txt")));
        String text = String.join("\n", log);
        for (String expected : List.of("[1] Connection from 127.0.0.1:", "[1] S: 220 example.com ESMTP smtp-monitor ready",
                "[1] C: EHLO client.test", "[1] S: 250-SIZE 26214400", "[1] C: MAIL FROM:<a@client.test>",
                "[1] S: 250 OK", "[1] C: <message: 22 bytes, 3 lines>", "[1] S: 250 OK: queued as ",
                "[1] S: 421 example.com Server shutting down", "[2] Closed (server shutdown)", "Server stopped")) {
            assertTrue(text.contains(expected), "the log lacks '" + expected + "':\n" + text);
        }
        assertTrue(text.indexOf("[1] C: MAIL FROM") < text.indexOf("[1] S: 250 OK: queued as"), text);
    }

    private static Matcher awaitLine(LinkedBlockingQueue<String> lines, List<String> log, Pattern pattern)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line like " + pattern + " within 20 s; output so far:\n" + String.join("\n", log));
            }
            log.add(line);
            Matcher matcher = pattern.matcher(line);
            if (matcher.matches()) {
                return matcher;
            }
        }
    }
}
