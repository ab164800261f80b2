package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * The server-wide memory budget for message data: a message it has no room for is read to
 * its end, answered 452 and not stored; its session goes on; the memory of every session
 * goes back to the budget when it ends.
 */
class MessageMemoryTest {

    private static final int MAX_MESSAGE = 2 << 20;
    private static final int MAX_CONNECTIONS = 10;
    /**
     * The least allowed: what one message of the maximum size needs while its buffer grows
     * (1 MB + 2 MB), and 64 KB for each other session (3.6 MB).
     */
    private static final long BUDGET = ServerConfig.minimumMaxMemory(MAX_MESSAGE, MAX_CONNECTIONS);
    private static final String INSUFFICIENT_STORAGE = "452 4.3.1 Insufficient system storage";
    private static final String SMALL = "Subject: small\r\n\r\nfits\r\n";

    @TempDir
    Path directory;

    private Settings settings() {
        return TestMonitor.settings(directory, MailboxFormat.RAW, MAX_MESSAGE, MAX_CONNECTIONS, Duration.ofMinutes(1), false)
                .withMaxMemory(BUDGET);
    }

    @Test
    void concurrentMessagesPastTheBudgetGet250Or452AndAllTheirMemoryComesBack() throws Exception {
        byte[] message = message(2_000_000);
        int clients = 4;
        try (TestMonitor monitor = TestMonitor.start(directory, settings())) {
            List<RawSmtpClient> sessions = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                for (int i = 0; i < clients; i++) {
                    RawSmtpClient client = monitor.ehloClient();
                    sessions.add(client);
                    assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
                    assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
                    assertTrue(client.command("DATA").startsWith("354 "));
                }
                // No message ends before every one has been sent whole: they are all under way at once.
                CyclicBarrier allSent = new CyclicBarrier(clients);
                List<Future<String>> replies = new ArrayList<>();
                for (RawSmtpClient client : sessions) {
                    replies.add(pool.submit(() -> {
                        client.send(message);
                        allSent.await(30, TimeUnit.SECONDS);
                        client.send(".\r\n");
                        return client.readReply();
                    }));
                }
                int stored = 0;
                int refused = 0;
                for (int i = 0; i < clients; i++) {
                    String reply = replies.get(i).get(60, TimeUnit.SECONDS);
                    if (reply.startsWith("250 ")) {
                        stored++;
                        continue;
                    }
                    assertEquals(INSUFFICIENT_STORAGE, reply);
                    refused++;
                    RawSmtpClient client = sessions.get(i);
                    assertEquals("250 OK", client.command("RSET"));
                    assertEquals("250 OK", client.command("NOOP"));
                    assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), SMALL).startsWith("250 "));
                }
                assertTrue(stored >= 1, "not one message fitted in the budget; in use: " + monitor.monitor().server().memory().inUse());
                assertEquals((long) stored * message.length + (long) refused * SMALL.length(),
                        monitor.mailboxBytes("alice@example.com").length);
            } finally {
                pool.shutdownNow();
                for (RawSmtpClient client : sessions) {
                    client.close();
                }
            }
            monitor.events().awaitClosedSessions(clients);
            assertEquals(0, monitor.monitor().server().memory().inUse());
        }
    }

    @Test
    void aMessageTheBudgetCannotHoldIsReadToItsEndAnswered452AndTheSessionGoesOn() throws Exception {
        byte[] message = message(2_000_000);
        int half = 1_500_000;
        try (TestMonitor monitor = TestMonitor.start(directory, settings());
             RawSmtpClient holder = monitor.ehloClient();
             RawSmtpClient refused = monitor.ehloClient()) {
            startMessage(holder);
            holder.send(Arrays.copyOf(message, half));
            // Past 1 MB, the holder's buffer has grown to 2 MB: what is left of the budget is too little for another.
            awaitMemoryInUse(monitor, MAX_MESSAGE);

            startMessage(refused);
            refused.send(message);
            refused.send(".\r\n");
            assertEquals(INSUFFICIENT_STORAGE, refused.readReply());
            assertEquals("250 OK", refused.command("NOOP"));
            assertTrue(refused.sendMessage("a@client.test", List.of("alice@example.com"), SMALL).startsWith("250 "));

            holder.send(Arrays.copyOfRange(message, half, message.length));
            holder.send(".\r\n");
            assertTrue(holder.readReply().startsWith("250 "));

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(SMALL.getBytes(StandardCharsets.ISO_8859_1));
            expected.write(message);
            assertArrayEquals(expected.toByteArray(), monitor.mailboxBytes("alice@example.com"));
        }
    }

    private static void startMessage(RawSmtpClient client) throws Exception {
        assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
        assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        assertTrue(client.command("DATA").startsWith("354 "));
    }

    private static void awaitMemoryInUse(TestMonitor monitor, long bytes) throws InterruptedException {
        MemoryBudget memory = monitor.monitor().server().memory();
        Await.until(bytes + " bytes or more of memory are in use", Duration.ofSeconds(10),
                () -> memory.inUse() >= bytes, () -> "memory in use: " + memory.inUse());
    }

    /** {@code size} bytes of text lines, none starting with a dot, ending in CRLF. */
    private static byte[] message(int size) {
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        for (int end = 78; end + 1 < size; end += 80) {
            message[end] = '\r';
            message[end + 1] = '\n';
        }
        message[size - 2] = '\r';
        message[size - 1] = '\n';
        return message;
    }
}
