package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** Many sessions delivering to one mailbox at once never interleave inside the file. */
class ConcurrentDeliveryTest {

    private static final int CLIENTS = 50;
    private static final int MESSAGES_PER_CLIENT = 20;
    private static final int BODY_LINES = 40;
    private static final Pattern HEADER = Pattern.compile("Message-Id: <(\\d+)\\.(\\d+)@client\\.test>\r\n");

    @TempDir
    Path directory;

    /**
     * Every message names its client and number in its header and on every body line,
     * so a message cut short, or another message's bytes inside it, shows in the file.
     */
    private static String message(int client, int number) {
        String id = client + "." + number;
        StringBuilder text = new StringBuilder("Message-Id: <" + id + "@client.test>\r\nSubject: " + id + "\r\n\r\n");
        for (int line = 0; line < BODY_LINES; line++) {
            text.append(id).append(" line ").append(line).append(' ').append("x".repeat(60)).append("\r\n");
        }
        return text.append("end ").append(id).append("\r\n").toString();
    }

    @Test
    void fiftyClientsTimesTwentyMessagesGiveExactlyOneThousandWholeMessages() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long started = System.nanoTime();
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        try (RawSmtpClient smtp = monitor.ehloClient()) {
                            for (int m = 0; m < MESSAGES_PER_CLIENT; m++) {
                                String reply = smtp.sendMessage("c" + client + "@client.test",
                                        List.of("alice@example.com"), message(client, m));
                                assertTrue(reply.startsWith("250 OK: queued as "), reply);
                            }
                            assertEquals(221, smtp.readCodeOf("QUIT"));
                        }
                        return null;
                    }));
                }
                for (Future<?> client : clients) {
                    client.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("ConcurrentDeliveryTest: %d messages from %d clients in %d ms (%.0f messages/s)%n",
                    CLIENTS * MESSAGES_PER_CLIENT, CLIENTS, millis, CLIENTS * MESSAGES_PER_CLIENT * 1000.0 / millis);

            assertWholeAndOnce(monitor.mailboxText("alice@example.com"));
        }
    }

    /** Walks the file message by message: each must be exactly one expected message, each once. */
    private static void assertWholeAndOnce(String mailbox) {
        Set<String> seen = new HashSet<>();
        int position = 0;
        while (position < mailbox.length()) {
            Matcher header = HEADER.matcher(mailbox).region(position, mailbox.length());
            if (!header.lookingAt()) {
                throw new AssertionError("no message starts at offset " + position + ": "
                        + mailbox.substring(position, Math.min(mailbox.length(), position + 120)));
            }
            int client = Integer.parseInt(header.group(1));
            int number = Integer.parseInt(header.group(2));
            String expected = message(client, number);
            if (!mailbox.startsWith(expected, position)) {
                throw new AssertionError("message " + client + "." + number + " at offset " + position
                        + " is not whole or has other bytes inside it");
            }
            assertTrue(seen.add(client + "." + number), "message " + client + "." + number + " stored twice");
            position += expected.length();
        }
        assertEquals(CLIENTS * MESSAGES_PER_CLIENT, seen.size());
        int expectedBytes = 0;
        for (int c = 0; c < CLIENTS; c++) {
            for (int m = 0; m < MESSAGES_PER_CLIENT; m++) {
                expectedBytes += message(c, m).getBytes(StandardCharsets.ISO_8859_1).length;
            }
        }
        assertEquals(expectedBytes, mailbox.length());
    }
}
