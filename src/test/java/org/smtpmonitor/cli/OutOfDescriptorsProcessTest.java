package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * A headless server started with {@code ulimit -n 120}, then offered more connections
 * than it has descriptors for: it neither spins nor floods its log, no client is left
 * hanging, and it serves again by itself once descriptors free up.
 */
class OutOfDescriptorsProcessTest {

    private static final int CLIENTS = 200;
    private static final String REFUSED = "421 example.com Too many connections, try again later,"
            + " closing transmission channel";

    @TempDir
    Path directory;

    @Test
    void serverOutOfDescriptorsDoesNotFloodItsLogLeavesNoClientHangingAndRecovers() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        try (HeadlessServerProcess server = HeadlessServerProcess.start("ulimit -n 120", List.of(), users,
                "--mailbox-dir", directory.toString(), "--max-connections", "1000")) {
            InetSocketAddress address = server.address();
            List<RawSmtpClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(RawSmtpClient.connect(address));
                }
                // Holding more connections than the server has descriptors is what this test is about.
                Thread.sleep(2000);
                long failures = server.count(line -> line.contains("accept failed"));
                assertTrue(failures < 20, failures + " lines say 'accept failed':\n" + server.excerpt());

                List<RawSmtpClient> greeted = new ArrayList<>();
                List<RawSmtpClient> waiting = new ArrayList<>();
                for (RawSmtpClient client : clients) {
                    if (client.socket().getInputStream().available() == 0) {
                        waiting.add(client);
                    } else if (greetedOrRefused(client)) {
                        greeted.add(client);
                    }
                }
                assertTrue(!greeted.isEmpty() && greeted.size() < CLIENTS,
                        greeted.size() + " of " + CLIENTS + " clients greeted: the descriptor limit was not reached");

                // Descriptors free up: every client still in the backlog is now greeted or refused.
                for (RawSmtpClient client : greeted) {
                    client.close();
                }
                for (RawSmtpClient client : waiting) {
                    greetedOrRefused(client);
                }
            } finally {
                for (RawSmtpClient client : clients) {
                    client.close();
                }
            }

            String message = "Subject: after\r\n\r\nserved again\r\n";
            try (RawSmtpClient client = greetedOnceDescriptorsFreeUp(address)) {
                assertTrue(client.command("EHLO client.test").startsWith("250-"));
                String reply = client.sendMessage("a@client.test", List.of("alice@example.com"), message);
                assertTrue(reply.startsWith("250 OK: queued as "), reply);
            }
            assertEquals(message, Files.readString(directory.resolve("alice@example.com.txt")));

            // Having run out of descriptors does not keep it from stopping on SIGTERM.
            server.terminate();
            server.awaitExit(20, "SIGTERM");
        }
    }

    /**
     * A client greeted with 220. The server closes the sockets the clients closed only as
     * it notices, so for a moment after, a new client may still be refused with a 421.
     */
    private static RawSmtpClient greetedOnceDescriptorsFreeUp(InetSocketAddress address) throws Exception {
        AtomicReference<RawSmtpClient> greeted = new AtomicReference<>();
        Await.until("a new client is greeted after the clients closed", Duration.ofSeconds(15), () -> {
            RawSmtpClient client = RawSmtpClient.connect(address);
            if (greetedOrRefused(client)) {
                greeted.set(client);
                return true;
            }
            client.close();
            return false;
        });
        return greeted.get();
    }

    /** True when the client's next reply is the 220 greeting; false when it is a 421 and the server closes it. */
    private static boolean greetedOrRefused(RawSmtpClient client) throws Exception {
        String reply = client.readReply();
        if (reply.startsWith("220 ")) {
            return true;
        }
        assertEquals(REFUSED, reply);
        client.assertClosedByServer();
        return false;
    }
}
