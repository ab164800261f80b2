package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The headless server as a real process with a small heap: concurrent messages of nearly
 * the maximum size must not take it down. Each is stored whole (250) or refused cleanly
 * (4xx), and the server goes on serving. And should the heap run out all the same, the
 * process says so and ends, rather than go on half alive.
 */
class HeadlessMemoryTest {

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

        HeadlessServerProcess server = HeadlessServerProcess.start("", List.of("-Xmx256m"), usersFile,
                "--mailbox-dir", mail.toString());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            InetSocketAddress address = server.address();
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

            assertTrue(server.isAlive(), "the server died");
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
                client.command("EHLO client.test");
                String reply = client.sendMessage("sender@client.test", List.of("small@example.com"), "Subject: hi\r\n\r\nstill here\r\n");
                assertTrue(reply.startsWith("250 "), reply);
            }
            assertEquals("Subject: hi\r\n\r\nstill here\r\n", Files.readString(mail.resolve("small@example.com.txt")));
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e + "\nserver output:\n" + server.excerpt(), e);
        } finally {
            clients.shutdownNow();
            server.close();
        }
    }

    @Test
    void aServerThreadKilledByRunningOutOfMemoryEndsTheProcessWithStatus3() throws Exception {
        Path usersFile = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        // A budget far past the heap, so that nothing stops a large message from exhausting it.
        HeadlessServerProcess server = HeadlessServerProcess.start("", List.of("-Xmx64m"), usersFile,
                "--mailbox-dir", directory.toString(), "--max-message-size", "60MB", "--max-memory", "1GB");
        try {
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
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
            server.awaitLine(Pattern.compile("smtp-monitor: the server failed and has stopped: smtp-loop-\\d+ died: "
                    + "java\\.lang\\.OutOfMemoryError: .*"));
            assertEquals(3, server.awaitExit(20, "running out of memory"));
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e + "\nserver output:\n" + server.excerpt(), e);
        } finally {
            server.close();
        }
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
}
