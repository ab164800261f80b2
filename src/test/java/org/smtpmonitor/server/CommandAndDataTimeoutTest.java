package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionClosed.Reason;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * The command and data timeouts over real sockets: each command must be complete, and
 * message data must keep moving, within the timeout, so that clients trickling a byte at
 * a time (Slowloris) cannot hold every session slot; a client that is slow but steady is
 * not cut off.
 */
class CommandAndDataTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    private static final int SLOTS = 5;
    /** A trickler sends one byte this often: well within the timeout, so each byte would restart an idle clock. */
    private static final long TRICKLE_MILLIS = 300;
    private static final String REAL_MESSAGE = "Subject: real\r\n\r\nfrom a real client\r\n";

    @TempDir
    Path directory;

    private TestMonitor monitor;
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private final List<RawSmtpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.RAW, 4 << 20, SLOTS,
                TIMEOUT, false));
    }

    @AfterEach
    void stop() throws IOException {
        trickler.shutdownNow();
        for (RawSmtpClient client : clients) {
            client.close();
        }
        monitor.close();
    }

    @Test
    void clientsTricklingACommandAreCutOffAndARealClientIsServed() throws Exception {
        for (int i = 0; i < SLOTS; i++) {
            RawSmtpClient client = monitor.client();
            clients.add(client);
            trickle(client, "EHLO " + "slow".repeat(200));
        }
        assertCutOff("421 example.com Command timeout, closing transmission channel", Reason.COMMAND_TIMEOUT);
        assertARealClientIsServed();
    }

    @Test
    void clientsTricklingMessageDataAreCutOffStoreNothingAndARealClientIsServed() throws Exception {
        for (int i = 0; i < SLOTS; i++) {
            RawSmtpClient client = monitor.ehloClient();
            clients.add(client);
            startData(client);
            trickle(client, "Subject: slow\r\n\r\n" + "x".repeat(1000));
        }
        assertCutOff("421 example.com Data timeout, closing transmission channel", Reason.DATA_TIMEOUT);
        assertARealClientIsServed();
    }

    @Test
    void largeMessageSentInChunksWithPausesIsNotCutOff() throws Exception {
        byte[] chunk = ("x".repeat(62) + "\r\n").repeat(1024).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(64 * 1024, chunk.length);
        int chunks = 32;
        try (RawSmtpClient client = monitor.ehloClient()) {
            startData(client);
            // The whole message takes about three times the timeout, each chunk a tenth of it.
            for (int i = 0; i < chunks; i++) {
                client.send(chunk);
                Thread.sleep(TIMEOUT.toMillis() / 10);
            }
            client.send(".\r\n");
            String reply = client.readReply();
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
        }
        assertEquals((long) chunks * chunk.length, Files.size(monitor.mailbox("alice@example.com")));
    }

    @Test
    void clientSilentAfterItsLastCommandGetsTheIdleTimeout() throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            long session = sessionOf(client);
            assertEquals("250 OK", client.command("NOOP"));
            assertEquals("421 example.com Idle timeout, closing transmission channel", client.readReply());
            client.assertClosedByServer();
            assertEquals(Reason.IDLE_TIMEOUT, closed(session).reason());
        }
    }

    @Test
    void clientThatDoesNotReadItsRepliesIsCutOffAndThenDropped() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(monitor.address(), RawSmtpClient.READ_TIMEOUT_MILLIS);
            int port = socket.getLocalPort();
            long session = monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
            // Commands go on until the server stops reading them (its replies pile up unread), then block.
            Thread writer = new Thread(() -> {
                byte[] noops = "NOOP\r\n".repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
                try {
                    OutputStream out = socket.getOutputStream();
                    while (true) {
                        out.write(noops);
                    }
                } catch (IOException e) {
                    // The server has closed the connection: what this test waits for.
                }
            }, "unread-replies");
            writer.setDaemon(true);
            writer.start();
            // The 421 cannot reach a client that does not read, so it is dropped one timeout later.
            monitor.awaitOpenSessions(0);
            assertEquals(Reason.COMMAND_TIMEOUT, closed(session).reason());
        }
    }

    private static void startData(RawSmtpClient client) throws IOException {
        assertEquals("250 OK", client.command("MAIL FROM:<slow@client.test>"));
        assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        assertEquals(354, client.readCodeOf("DATA"));
    }

    /**
     * Sends {@code text} to {@code client} one byte every {@link #TRICKLE_MILLIS}, until
     * all is sent or the connection fails (an exception ends a scheduled task).
     */
    private void trickle(RawSmtpClient client, String text) {
        AtomicInteger next = new AtomicInteger();
        trickler.scheduleWithFixedDelay(() -> {
            int i = next.getAndIncrement();
            if (i >= text.length()) {
                throw new IllegalStateException("all sent");
            }
            try {
                client.send(text.substring(i, i + 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, 0, TRICKLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Every client gets {@code reply} and is closed, its session ending for {@code reason}. */
    private void assertCutOff(String reply, Reason reason) throws Exception {
        for (RawSmtpClient client : clients) {
            long session = sessionOf(client);
            assertEquals(reply, client.readReply());
            client.assertClosedByServer();
            assertEquals(reason, closed(session).reason());
        }
    }

    /** With the slots free again, a new client is greeted with 220 (not 421) and delivers a message. */
    private void assertARealClientIsServed() throws Exception {
        monitor.awaitOpenSessions(0);
        try (RawSmtpClient client = monitor.ehloClient()) {
            String reply = client.sendMessage("real@client.test", List.of("alice@example.com"), REAL_MESSAGE);
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
        }
        assertEquals(REAL_MESSAGE, monitor.mailboxText("alice@example.com"));
    }

    private long sessionOf(RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    private SessionClosed closed(long session) throws InterruptedException {
        return monitor.events().await(SessionClosed.class, e -> e.sessionId() == session);
    }
}
