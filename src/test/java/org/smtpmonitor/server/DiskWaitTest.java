package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MailboxStore;
import org.smtpmonitor.mailbox.User;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;
import org.smtpmonitor.smtp.SmtpConfig;
import org.smtpmonitor.testing.EventRecorder;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * What a connection does with input that arrives while its message waits for the disk:
 * it keeps it, and acts on it only once the message is answered. The disk is held back
 * by a gate in front of a real mailbox store.
 */
class DiskWaitTest {

    private static final String MESSAGE = "Subject: waiting\r\n\r\nfor the disk\r\n";

    @TempDir
    Path directory;

    private final CountDownLatch appended = new CountDownLatch(1);
    private final CountDownLatch diskMayFinish = new CountDownLatch(1);
    private final EventRecorder events = new EventRecorder();
    private MailboxStore mailboxes;
    private SmtpServer server;
    private final List<RawSmtpClient> bystanders = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        mailboxes = new MailboxStore(directory, MailboxFormat.RAW, List.of(new User("alice@example.com", 1)),
                "example.com");
        mailboxes.createMailboxes();
        MessageStore gated = new MessageStore() {
            @Override
            public String findUser(String address) {
                return mailboxes.findUser(address);
            }

            @Override
            public Pending append(Envelope envelope, byte[] data, int length) throws IOException {
                Pending pending = mailboxes.append(envelope, data, length);
                appended.countDown();
                return () -> {
                    try {
                        assertTrue(diskMayFinish.await(10, TimeUnit.SECONDS), "the test never let the disk finish");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return pending.awaitDurable();
                };
            }
        };
        EventBus bus = new EventBus();
        bus.subscribe(events);
        server = new SmtpServer(new ServerConfig(InetAddress.getLoopbackAddress(), 0, 10, Duration.ofMinutes(1),
                new SmtpConfig("example.com", 1 << 20, 100, false)), gated, bus);
        server.start();
        // Other connections on every event loop (they are dealt out in turn), so that the
        // test client's delivery waits on the disk thread rather than inline.
        for (int i = 0; i < 4; i++) {
            bystanders.add(RawSmtpClient.connectGreeted(server.address()));
        }
    }

    @AfterEach
    void stop() throws IOException {
        diskMayFinish.countDown();
        for (RawSmtpClient bystander : bystanders) {
            bystander.close();
        }
        server.close();
        mailboxes.close();
    }

    @Test
    void commandsSentBehindAMessageAreAnsweredAfterItEvenIfTheClientClosedItsSide() throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
            startMessage(client);
            client.send(MESSAGE + ".\r\nNOOP\r\nQUIT\r\n");
            client.shutdownOutput(); // as "printf ... | nc" does: all sent, replies still wanted
            assertTrue(appended.await(10, TimeUnit.SECONDS));
            Thread.sleep(100); // time for the server to read NOOP, QUIT and the end while the disk is held
            assertEquals(0, client.socket().getInputStream().available(), "answered before the disk had the message");

            diskMayFinish.countDown();
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.readReply());
            assertTrue(client.readReply().startsWith("221 "));
            client.assertClosedByServer();
        }
        assertEquals(MESSAGE, mailbox());
    }

    @Test
    void aClientThatClosedItsSideWithoutQuitIsAnsweredThenDisconnected() throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
            long id = events.await(SessionOpened.class, e -> e.client().getPort() == client.socket().getLocalPort())
                    .sessionId();
            startMessage(client);
            client.send(MESSAGE + ".\r\nNOOP\r\n");
            client.shutdownOutput();
            assertTrue(appended.await(10, TimeUnit.SECONDS));
            Thread.sleep(100);
            diskMayFinish.countDown();
            assertTrue(client.readReply().startsWith("250 OK: queued as "));
            assertEquals("250 OK", client.readReply());
            client.assertClosedByServer();
            assertEquals(SessionClosed.Reason.CLIENT_DISCONNECTED,
                    events.await(SessionClosed.class, e -> e.sessionId() == id).reason());
        }
    }

    @Test
    void aClientThatLeavesWhileItsMessageWaitsStillHasItStoredAndItsEventsInOrder() throws Exception {
        long id;
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
            id = events.await(SessionOpened.class, e -> e.client().getPort() == client.socket().getLocalPort())
                    .sessionId();
            startMessage(client);
            client.send(MESSAGE + ".\r\n");
            assertTrue(appended.await(10, TimeUnit.SECONDS));
        }
        Thread.sleep(100); // time for the server to see the client go while the disk is held
        diskMayFinish.countDown();

        SessionClosed closed = events.await(SessionClosed.class, e -> e.sessionId() == id);
        assertEquals(SessionClosed.Reason.CLIENT_DISCONNECTED, closed.reason());
        List<SessionEvent> session = events.ofSession(id);
        assertEquals(closed, session.get(session.size() - 1), "events after the close: " + session);
        assertTrue(session.stream().anyMatch(MessageDelivered.class::isInstance), session.toString());
        assertEquals(MESSAGE, mailbox());
    }

    private static void startMessage(RawSmtpClient client) throws IOException {
        assertEquals(250, client.readCodeOf("HELO client.example"));
        assertEquals(250, client.readCodeOf("MAIL FROM:<sender@example.net>"));
        assertEquals(250, client.readCodeOf("RCPT TO:<alice@example.com>"));
        assertEquals(354, client.readCodeOf("DATA"));
    }

    private String mailbox() throws IOException {
        return Files.readString(mailboxes.mailboxFile("alice@example.com"), StandardCharsets.ISO_8859_1);
    }
}
