package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The headless server as a real process with a small heap: concurrent messages of nearly
 * the maximum size must not take it down. Each is stored whole (250) or refused cleanly
 * (4xx), and the server goes on serving. And should the heap run out all the same, the
 * process says so and ends, rather than go on half alive.
 */
class HeadlessMemoryTest {

    private static final Pattern WAITING = Pattern.compile(".* Waiting for connections on 127\\.0\\.0\\.1:(\\d+)");
    private static final int CLIENTS = 12;
    /** 24.9 MB: just under the default maximum message size of 25 MB. */
    private static final int MESSAGE_SIZE = (int) (24.9 * 1024 * 1024);

    @TempDir
    Path directory;

    @Test
    void concurrentLargestMessagesUnderSmallHeapGet250Or4xxAndTheServerStaysUp() throws Exception {
        StringBuilder users = new StringBuilder("small@example.com\n");
        for (int i = 1; i <= CLIENTS; i++) {
            users.append("user").append(i).append("@example.com\n");
        }
        Path usersFile = Files.writeString(directory.resolve("users.txt"), users);
        Path mail = Files.createDirectory(directory.resolve("mail"));
        byte[] message = largeMessage();
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);

        Process process = start("-Xmx256m", usersFile, "--mailbox-dir", mail.toString());
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> log = new ArrayList<>();
        Thread reader = readLines(process.getInputStream(), lines);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            int port = Integer.parseInt(awaitLine(lines, log, WAITING).group(1));
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 1; i <= CLIENTS; i++) {
                String recipient = "user" + i + "@example.com";
                replies.add(clients.submit(() -> {
                    try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
                        client.command("EHLO client.test");
                        return client.sendMessage("sender@client.test", List.of(recipient), message);
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int accepted = 0;
            for (int i = 1; i <= CLIENTS; i++) {
                String reply = replies.get(i - 1).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertTrue(reply.matches("(250|4\\d\\d) .*"), "client " + i + " got: " + reply);
                Path mailbox = mail.resolve("user" + i + "@example.com.txt");
                if (reply.startsWith("250 ")) {
                    accepted++;
                    assertEquals(message.length, Files.size(mailbox), "size of the message stored for client " + i);
                    assertArrayEquals(hash, sha256(mailbox), "the message stored for client " + i + " differs");
                } else {
                    assertEquals(0, Files.size(mailbox), "a refused message left bytes in " + mailbox);
                }
            }
            assertTrue(accepted >= 1, "not one of the messages was stored");

            assertTrue(process.isAlive(), "the server died");
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
                client.command("EHLO client.test");
                String reply = client.sendMessage("sender@client.test", List.of("small@example.com"), "Subject: hi\r\n\r\nstill here\r\n");
                assertTrue(reply.startsWith("250 "), reply);
            }
            assertEquals("Subject: hi\r\n\r\nstill here\r\n", Files.readString(mail.resolve("small@example.com.txt")));
        } catch (AssertionError | Exception e) {
            lines.drainTo(log);
            throw new AssertionError(e + "\nserver output:\n" + tail(log), e);
        } finally {
            clients.shutdownNow();
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
            reader.join(5000);
        }
    }

    @Test
    void aServerThreadKilledByRunningOutOfMemoryEndsTheProcessWithStatus3() throws Exception {
        Path usersFile = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        // A budget far past the heap, so that nothing stops a large message from exhausting it.
        Process process = start("-Xmx64m", usersFile, "--mailbox-dir", directory.toString(),
                "--max-message-size", "60MB", "--max-memory", "1GB");
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> log = new ArrayList<>();
        Thread reader = readLines(process.getInputStream(), lines);
        try {
            int port = Integer.parseInt(awaitLine(lines, log, WAITING).group(1));
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                client.command("EHLO client.test");
                assertTrue(client.command("MAIL FROM:<a@client.test>").startsWith("250 "));
                assertTrue(client.command("RCPT TO:<alice@example.com>").startsWith("250 "));
                assertTrue(client.command("DATA").startsWith("354 "));
                byte[] lines80 = ("x".repeat(78) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i < 50 * 1024 * 1024 / lines80.length; i++) {
                        client.send(lines80);
                    }
                } catch (IOException serverGone) {
                    // Expected: the server died under it.
                }
            }
            awaitLine(lines, log, Pattern.compile("smtp-monitor: the server failed and has stopped: smtp-loop-\\d+ died: "
                    + "java\\.lang\\.OutOfMemoryError: .*"));
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the process did not end");
            assertEquals(3, process.exitValue());
        } catch (AssertionError | Exception e) {
            lines.drainTo(log);
            throw new AssertionError(e + "\nserver output:\n" + tail(log), e);
        } finally {
            process.destroyForcibly();
            reader.join(5000);
        }
    }

    private static Process start(String heap, Path usersFile, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-cp", System.getProperty("java.class.path"), Main.class.getName(), usersFile.toString(),
                "--headless", "--port", "0"));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** A message of {@link #MESSAGE_SIZE} bytes: lines of letters, none starting with a dot, ending in CRLF. */
    private static byte[] largeMessage() {
        byte[] message = new byte[MESSAGE_SIZE];
        byte[] header = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, message, 0, header.length);
        Random random = new Random(42);
        for (int i = header.length; i < message.length; i++) {
            message[i] = (byte) ('a' + random.nextInt(26));
        }
        for (int end = header.length + 78; end + 1 < message.length; end += 80) {
            message[end] = '\r';
            message[end + 1] = '\n';
        }
        message[message.length - 2] = '\r';
        message[message.length - 1] = '\n';
        return message;
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    private static Thread readLines(InputStream output, LinkedBlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // The process ended.
            }
        }, "headless-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
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

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size()));
    }
}
