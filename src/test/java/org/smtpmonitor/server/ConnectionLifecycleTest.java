package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionClosed.Reason;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** How sessions end: the client leaves, falls silent, is one too many, or the server stops. */
class ConnectionLifecycleTest {

    private static final String PARTIAL = "Subject: cut short\r\n\r\nthe first half of a message\r\n";

    @TempDir
    Path directory;

    private TestMonitor start(int maxConnections, Duration idleTimeout) throws Exception {
        return TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.RAW, 1 << 20, maxConnections,
                idleTimeout, false));
    }

    private static long sessionOf(TestMonitor monitor, RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    private static SessionClosed closed(TestMonitor monitor, long session) throws InterruptedException {
        return monitor.events().await(SessionClosed.class, e -> e.sessionId() == session);
    }

    private static void startData(RawSmtpClient client) throws IOException {
        assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
        assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"));
        assertEquals(354, client.readCodeOf("DATA"));
    }

    @Test
    void clientLeavingMidDataStoresNothingAndOthersAreStillServed() throws Exception {
        try (TestMonitor monitor = start(10, Duration.ofSeconds(30))) {
            long session;
            try (RawSmtpClient client = monitor.ehloClient()) {
                session = sessionOf(monitor, client);
                startData(client);
                client.send(PARTIAL);
                client.send("\r\n."); // even most of an end marker is not an end
            }
            assertEquals(Reason.CLIENT_DISCONNECTED, closed(monitor, session).reason());
            assertEquals(0, Files.size(monitor.mailbox("alice@example.com")));
            assertEquals(0, Files.size(monitor.mailbox("bob@example.com")));

            try (RawSmtpClient other = monitor.ehloClient()) {
                String reply = other.sendMessage("b@client.test", List.of("alice@example.com"), "next\r\n");
                assertTrue(reply.startsWith("250 OK: queued as "), reply);
            }
            assertEquals("next\r\n", monitor.mailboxText("alice@example.com"));
        }
    }

    @Test
    void silentClientGets421AndIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestMonitor monitor = start(10, Duration.ofMillis(300))) {
            try (RawSmtpClient client = monitor.client()) {
                long session = sessionOf(monitor, client);
                long started = System.nanoTime();
                assertEquals("421 example.com Idle timeout, closing transmission channel", client.readReply());
                long waitedMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(waitedMillis >= 250, "timed out after " + waitedMillis + " ms, not 300");
                client.assertClosedByServer();
                assertEquals(Reason.IDLE_TIMEOUT, closed(monitor, session).reason());
            }
        }
    }

    @Test
    void idleTimeoutCountsSilenceNotTheSessionsAge() throws Exception {
        try (TestMonitor monitor = start(10, Duration.ofMillis(1000))) {
            try (RawSmtpClient client = monitor.client()) {
                long until = System.nanoTime() + 1_600_000_000L;
                while (System.nanoTime() < until) {
                    // Pacing a client's commands is what this test is about, hence the sleep.
                    Thread.sleep(200);
                    assertEquals("250 OK", client.command("NOOP"));
                }
            }
        }
    }

    @Test
    void clientSilentMidDataGets421AndNothingIsStored() throws Exception {
        try (TestMonitor monitor = start(10, Duration.ofMillis(300))) {
            try (RawSmtpClient client = monitor.ehloClient()) {
                long session = sessionOf(monitor, client);
                startData(client);
                client.send(PARTIAL);
                assertEquals("421 example.com Data timeout, closing transmission channel", client.readReply());
                client.assertClosedByServer();
                assertEquals(Reason.DATA_TIMEOUT, closed(monitor, session).reason());
            }
            assertEquals(0, Files.size(monitor.mailbox("alice@example.com")));
            assertEquals(0, Files.size(monitor.mailbox("bob@example.com")));
        }
    }

    @Test
    void connectionOverTheLimitGets421AndTheOthersStillWork() throws Exception {
        try (TestMonitor monitor = start(2, Duration.ofSeconds(30));
             RawSmtpClient first = monitor.ehloClient();
             RawSmtpClient second = monitor.ehloClient()) {
            try (RawSmtpClient third = RawSmtpClient.connect(monitor.address())) {
                assertEquals("421 example.com Too many connections, try again later, closing transmission channel",
                        third.readReply());
                third.assertClosedByServer();
                assertEquals(Reason.TOO_MANY_CONNECTIONS, closed(monitor, sessionOf(monitor, third)).reason());
            }
            assertTrue(first.sendMessage("a@client.test", List.of("alice@example.com"), "1\r\n").startsWith("250 "));
            assertTrue(second.sendMessage("b@client.test", List.of("alice@example.com"), "2\r\n").startsWith("250 "));
            assertEquals("1\r\n2\r\n", monitor.mailboxText("alice@example.com"));

            // When one leaves, its place is free again.
            assertEquals(221, first.readCodeOf("QUIT"));
            first.assertClosedByServer();
            monitor.awaitOpenSessions(1);
            try (RawSmtpClient fourth = monitor.ehloClient()) {
                assertEquals("250 OK", fourth.command("NOOP"));
            }
        }
    }

    @Test
    void shutdownTells421ToConnectedClientsKeepsDeliveredMailAndStoresNoPartialMessage() throws Exception {
        TestMonitor monitor = start(10, Duration.ofSeconds(30));
        try (RawSmtpClient idle = monitor.ehloClient();
             RawSmtpClient sender = monitor.ehloClient();
             RawSmtpClient midData = monitor.ehloClient()) {
            long idleSession = sessionOf(monitor, idle);
            long midDataSession = sessionOf(monitor, midData);
            String delivered = "Subject: just in time\r\n\r\nsent right before the shutdown\r\n";
            assertTrue(sender.sendMessage("a@client.test", List.of("alice@example.com"), delivered).startsWith("250 "));
            startData(midData);
            midData.send(PARTIAL);

            monitor.close();

            String goodbye = "421 example.com Server shutting down, closing transmission channel";
            assertEquals(goodbye, idle.readReply());
            idle.assertClosedByServer();
            assertEquals(goodbye, midData.readReply());
            midData.assertClosedByServer();
            assertEquals(goodbye, sender.readReply());
            sender.assertClosedByServer();

            assertEquals(delivered, monitor.mailboxText("alice@example.com"));
            assertEquals(0, Files.size(monitor.mailbox("bob@example.com")));
            assertEquals(Reason.SERVER_SHUTDOWN, closed(monitor, idleSession).reason());
            assertEquals(Reason.SERVER_SHUTDOWN, closed(monitor, midDataSession).reason());
            monitor.events().await(ServerStopped.class, e -> true);
            assertThrows(ConnectException.class, () -> RawSmtpClient.connect(monitor.address()).close());
        }
    }

    @Test
    void messageEndingAsTheServerStopsIsEitherAcknowledgedAndStoredOrNeither() throws Exception {
        TestMonitor monitor = start(10, Duration.ofSeconds(30));
        String message = "Subject: racing the shutdown\r\n\r\n" + "line\r\n".repeat(2000);
        try (RawSmtpClient client = monitor.ehloClient()) {
            startData(client);
            client.send(message + ".\r\n");
            monitor.close();
            String reply = client.readReply();
            if (reply.startsWith("250 ")) {
                assertEquals("421 example.com Server shutting down, closing transmission channel", client.readReply());
                assertEquals(message, monitor.mailboxText("alice@example.com"));
                assertEquals(message, monitor.mailboxText("bob@example.com"));
            } else {
                assertEquals("421 example.com Server shutting down, closing transmission channel", reply);
                assertEquals(0, Files.size(monitor.mailbox("alice@example.com")));
                assertEquals(0, Files.size(monitor.mailbox("bob@example.com")));
            }
            client.assertClosedByServer();
        }
    }
}
