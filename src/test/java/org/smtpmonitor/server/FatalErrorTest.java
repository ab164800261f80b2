package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;
import org.smtpmonitor.smtp.SmtpConfig;
import org.smtpmonitor.testing.EventRecorder;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * A server thread that dies, whatever of, stops the whole server and is reported: the
 * server is never left half alive, accepting clients that nobody will greet. The failure
 * comes from the store, as an {@link OutOfMemoryError} in the middle of a delivery would.
 */
class FatalErrorTest {

    private static final String MESSAGE = "Subject: fatal\r\n\r\nbody\r\n";

    private final EventRecorder events = new EventRecorder();
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private final List<RawSmtpClient> bystanders = new ArrayList<>();
    private SmtpServer server;
    private InetSocketAddress address;

    /** A server whose store fails as {@code store} does, with a client on every event loop. */
    private void start(MessageStore store) throws IOException {
        EventBus bus = new EventBus();
        bus.subscribe(events);
        server = new SmtpServer(new ServerConfig(InetAddress.getLoopbackAddress(), 0, 10, Duration.ofMinutes(1),
                new SmtpConfig("example.com", 1 << 20, 100, false)), store, bus,
                (message, cause) -> failure.complete(cause));
        server.start();
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.address().getPort());
        // Connections are dealt to the loops in turn: these put others beside the test's client.
        for (int i = 0; i < 4; i++) {
            bystanders.add(RawSmtpClient.connectGreeted(address));
        }
    }

    @AfterEach
    void stop() throws IOException {
        for (RawSmtpClient bystander : bystanders) {
            bystander.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anEventLoopKilledByAnErrorStopsTheServerAndIsReported() throws Exception {
        OutOfMemoryError error = new OutOfMemoryError("injected: Java heap space");
        start(store(() -> {
            throw error;
        }, () -> List.of()));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
            client.command("EHLO client.test");
            startMessage(client);
            client.send(MESSAGE + ".\r\n");
            // Its loop is gone, and with it the session.
            client.assertClosedByServer();
        }
        assertSame(error, failure.get(10, TimeUnit.SECONDS));
        assertServerStopped();
        assertTrue(events.await(ServerError.class, e -> e.message().contains("died")).message()
                .contains("OutOfMemoryError: injected"));
    }

    @Test
    void anErrorWhileWaitingForTheDiskAnswersTheMessage451AndStopsTheServer() throws Exception {
        StackOverflowError error = new StackOverflowError("injected");
        start(store(() -> { }, () -> {
            throw error;
        }));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
            client.command("EHLO client.test");
            startMessage(client);
            client.send(MESSAGE + ".\r\n");
            String reply = client.readReply();
            assertTrue(reply.startsWith("451 "), reply);
            assertTrue(client.readReply().startsWith("421 "));
            client.assertClosedByServer();
        }
        assertSame(error, failure.get(10, TimeUnit.SECONDS));
        assertServerStopped();
    }

    /** Every bystander is told 421 or closed, and a new client is refused (or closed), never left ungreeted. */
    private void assertServerStopped() throws IOException {
        assertFalse(server.isRunning());
        for (RawSmtpClient bystander : bystanders) {
            try {
                String reply = bystander.readReply();
                assertTrue(reply.startsWith("421 "), reply);
            } catch (AssertionError closedWithoutReply) {
                // It was on the loop that died: closed is all it can be told.
            }
            bystander.assertClosedByServer();
        }
        try (RawSmtpClient late = RawSmtpClient.connect(address)) {
            late.assertClosedByServer();
        } catch (ConnectException refused) {
            // As it should be: nobody listens any more.
        }
    }

    private static void startMessage(RawSmtpClient client) throws IOException {
        assertEquals("250 OK", client.command("MAIL FROM:<a@client.test>"));
        assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
        assertTrue(client.command("DATA").startsWith("354 "));
    }

    /** A store of one user, alice, whose append and wait for the disk do what the test says. */
    private static MessageStore store(Runnable append, MessageStore.Pending pending) {
        return new MessageStore() {
            @Override
            public String findUser(String address) {
                return address.equalsIgnoreCase("alice@example.com") ? "alice@example.com" : null;
            }

            @Override
            public Pending append(Envelope envelope, byte[] data, int length) {
                append.run();
                return pending;
            }
        };
    }
}
