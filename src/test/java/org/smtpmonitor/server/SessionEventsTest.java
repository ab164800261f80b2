package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.QueuedListener;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** The events a session publishes: what the monitor window and the console log show. */
class SessionEventsTest {

    @TempDir
    Path directory;

    private static final String FIRST = "Subject: events\r\n\r\nhello\r\n";
    private static final String SECOND = "Subject: again\r\n\r\n..dotted\r\nFrom here\r\n";
    /** What is stored of SECOND in the raw format: its transparency dot removed. */
    private static final String SECOND_STORED = "Subject: again\r\n\r\n.dotted\r\nFrom here\r\n";

    @Test
    void sessionPublishesItsLinesRepliesDeliveriesAndCloseInOrder() throws Exception {
        Files.writeString(directory.resolve("bob@example.com.txt"), "old mail\r\n");
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            ServerStarted started = monitor.events().await(ServerStarted.class, e -> true);
            assertEquals("example.com", started.domain());
            assertEquals(monitor.address().getPort(), started.address().getPort());

            int clientPort;
            try (RawSmtpClient client = monitor.client()) {
                clientPort = client.socket().getLocalPort();
                client.command("EHLO client.test");
                client.command("NOOP " + "n".repeat(1200));
                client.sendMessage("a@client.test", List.of("alice@example.com", "bob@example.com"), FIRST);
                client.sendMessage("", List.of("bob@example.com"), SECOND);
                client.command("QUIT");
            }
            SessionOpened opened = monitor.events().await(SessionOpened.class, e -> e.client().getPort() == clientPort);
            long id = opened.sessionId();
            assertEquals("127.0.0.1", opened.client().getAddress().getHostAddress());
            SessionClosed closed = monitor.events().await(SessionClosed.class, e -> e.sessionId() == id);
            assertEquals(SessionClosed.Reason.QUIT, closed.reason());

            List<SessionEvent> events = monitor.events().ofSession(id);
            List<String> described = new ArrayList<>();
            for (SessionEvent event : events) {
                described.add(describe(event));
            }
            List<String> expected = List.of(
                    "opened",
                    "S: 220 example.com ESMTP smtp-monitor ready",
                    "C: EHLO client.test",
                    "S: 250-example.com Hello client.test", "S: 250-SIZE 26214400", "S: 250-8BITMIME",
                    "S: 250-PIPELINING", "S: 250-SMTPUTF8", "S: 250-STARTTLS", "S: 250 HELP",
                    "C: <command line over 1000 bytes>",
                    "S: 500 Line too long",
                    "C: MAIL FROM:<a@client.test>", "S: 250 OK",
                    "C: RCPT TO:<alice@example.com>", "S: 250 OK",
                    "C: RCPT TO:<bob@example.com>", "S: 250 OK",
                    "C: DATA", "S: 354 Start mail input; end with <CRLF>.<CRLF>",
                    "C: <message: 26 bytes, 3 lines>", "C: .",
                    // Told once a session: the second message lacks the same fields.
                    "warning missing-header",
                    "delivered",
                    "S: 250 OK: queued as *",
                    "C: MAIL FROM:<>", "S: 250 OK",
                    "C: RCPT TO:<bob@example.com>", "S: 250 OK",
                    "C: DATA", "S: 354 Start mail input; end with <CRLF>.<CRLF>",
                    "C: <message: 38 bytes, 4 lines>", "C: .",
                    "delivered",
                    "S: 250 OK: queued as *",
                    "C: QUIT", "S: 221 example.com Service closing transmission channel",
                    "closed quit");
            assertEquals(expected, described);

            // Timestamps never go backwards within a session.
            for (int i = 1; i < events.size(); i++) {
                assertTrue(!events.get(i).at().isBefore(events.get(i - 1).at()), "event " + i + " is older than " + (i - 1));
            }

            List<MessageDelivered> deliveries = events.stream()
                    .filter(MessageDelivered.class::isInstance).map(MessageDelivered.class::cast).toList();
            MessageDelivered first = deliveries.get(0);
            assertEquals("a@client.test", first.sender());
            assertEquals(List.of("alice@example.com", "bob@example.com"), first.recipients());
            assertEquals(FIRST.length(), first.size());
            assertTrue(first.queueId().length() > 0);
            MessageDelivered second = deliveries.get(1);
            assertEquals("", second.sender());
            assertEquals(List.of("bob@example.com"), second.recipients());
            assertEquals(SECOND_STORED.length(), second.size());

            // Each copy says exactly where the message lies in which file.
            byte[] alice = monitor.mailboxBytes("alice@example.com");
            byte[] bob = monitor.mailboxBytes("bob@example.com");
            assertEquals(2, first.copies().size());
            assertCopy(first.copies(), "alice@example.com", monitor.mailbox("alice@example.com"), 0, FIRST, alice);
            assertCopy(first.copies(), "bob@example.com", monitor.mailbox("bob@example.com"), 10, FIRST, bob);
            assertCopy(second.copies(), "bob@example.com", monitor.mailbox("bob@example.com"), 10 + FIRST.length(),
                    SECOND_STORED, bob);
            assertEquals(10 + FIRST.length() + SECOND_STORED.length(), bob.length);
        }
    }

    @Test
    void aMessageOfOneLineIsCountedAsOneLineNotOneLines() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            long id;
            try (RawSmtpClient client = monitor.client()) {
                client.command("EHLO client.test");
                client.sendMessage("", List.of("bob@example.com"), "just one line\r\n");
                client.command("QUIT");
            }
            id = monitor.events().await(SessionOpened.class, e -> true).sessionId();
            monitor.events().await(SessionClosed.class, e -> e.sessionId() == id);
            List<String> received = monitor.events().ofSession(id).stream().filter(LineReceived.class::isInstance)
                    .map(e -> ((LineReceived) e).text()).toList();
            assertTrue(received.contains("<message: 15 bytes, 1 line>"), String.join("\n", received));
        }
    }

    @Test
    void mboxCopiesCoverTheWholeFramedMessage() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.MBOX,
                1 << 20, 10, Duration.ofSeconds(30), false));
             RawSmtpClient client = monitor.ehloClient()) {
            client.sendMessage("a@client.test", List.of("alice@example.com"), FIRST);
            client.sendMessage("b@client.test", List.of("alice@example.com"), SECOND);
            MessageDelivered second = monitor.events().await(MessageDelivered.class, e -> e.sender().equals("b@client.test"));
            MessageDelivered first = monitor.events().await(MessageDelivered.class, e -> e.sender().equals("a@client.test"));
            byte[] file = monitor.mailboxBytes("alice@example.com");
            StoredCopy one = first.copies().get(0);
            StoredCopy two = second.copies().get(0);
            assertEquals(0, one.offset());
            assertEquals(one.length(), two.offset());
            assertEquals(file.length, two.offset() + two.length());
            String copy = new String(file, (int) two.offset(), (int) two.length(), StandardCharsets.ISO_8859_1);
            assertTrue(copy.startsWith("From b@client.test "), copy);
            assertTrue(copy.endsWith("\r\n>From here\r\n\n"), copy);
        }
    }

    @Test
    void stuckAndFailingListenersNeitherBlockNorBreakTheServer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong dropped = new AtomicLong();
        QueuedListener stuck = new QueuedListener("stuck-window", 16, 10, TimeUnit.MILLISECONDS, batch -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, dropped::addAndGet);
        // Fails on the events published in the middle of a delivery.
        Consumer<SessionEvent> failing = event -> {
            if (event instanceof MessageDelivered) {
                throw new IllegalStateException("broken listener (expected in this test)");
            }
        };
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory), stuck, failing);
             RawSmtpClient client = monitor.ehloClient()) {
            for (int i = 0; i < 20; i++) {
                assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), "m" + i + "\r\n")
                        .startsWith("250 OK: queued as "));
            }
            assertEquals(20, monitor.mailboxText("alice@example.com").split("\r\n").length);
        } finally {
            release.countDown();
            stuck.close();
        }
        assertTrue(dropped.get() > 0, "the stuck listener should have had events dropped, not queued without end");
    }

    private static void assertCopy(List<StoredCopy> copies, String recipient, Path file, long offset, String content,
                                   byte[] fileBytes) {
        StoredCopy copy = copies.stream().filter(c -> c.recipient().equals(recipient)).findFirst()
                .orElseThrow(() -> new AssertionError("no copy for " + recipient + " in " + copies));
        assertEquals(file.toAbsolutePath().normalize(), copy.mailbox().toAbsolutePath().normalize());
        assertEquals(offset, copy.offset());
        assertEquals(content.length(), copy.length());
        assertArrayEquals(content.getBytes(StandardCharsets.ISO_8859_1),
                Arrays.copyOfRange(fileBytes, (int) copy.offset(), (int) (copy.offset() + copy.length())));
    }

    private static String describe(SessionEvent event) {
        if (event instanceof SessionOpened) {
            return "opened";
        } else if (event instanceof LineReceived e) {
            return "C: " + e.text();
        } else if (event instanceof ReplySent e) {
            return "S: " + (e.text().startsWith("250 OK: queued as ") ? "250 OK: queued as *" : e.text());
        } else if (event instanceof MessageDelivered) {
            return "delivered";
        } else if (event instanceof SessionClosed e) {
            return "closed " + e.reason().label();
        } else if (event instanceof ClientWarning e) {
            return "warning " + e.kind();
        }
        return event.toString();
    }
}
