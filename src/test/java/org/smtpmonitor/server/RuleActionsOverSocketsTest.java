package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.RuleApplied;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Each action of a scripted-failure rule, over real sockets: the reply a client sees, what
 * is stored (or not), the connection kept or closed, the wait and the pace, and the
 * transcript's line for the rule.
 */
class RuleActionsOverSocketsTest {

    static final String USERS = "alice@example.com\nbob@example.com\ncarol@example.com\ndave@example.com\n";
    static final String MESSAGE = "Subject: rules\r\n\r\nhello\r\n";

    @TempDir
    Path directory;

    private TestMonitor monitor;

    /** A monitor with four users and {@code rules} as its rules file. */
    static TestMonitor start(Path directory, String rules) throws Exception {
        Files.writeString(directory.resolve("users.txt"), USERS);
        Path file = Files.writeString(directory.resolve("rules.txt"), rules, StandardCharsets.UTF_8);
        return TestMonitor.start(directory, TestMonitor.settings(directory).withRulesFile(file));
    }

    /** The session the server opened for {@code client}. */
    static long sessionOf(TestMonitor monitor, RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    /** The transcript lines of a session, as the window and the console show them. */
    static List<String> transcript(TestMonitor monitor, long session) {
        return monitor.events().ofSession(session).stream().map(EventText::of).toList();
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void theThirdRcptGetsTheRulesReplyAndItsRecipientIsNotAdded() throws Exception {
        monitor = start(directory, "[rcpt-452]\non = rcpt\nnth = 3\nreply = 452 4.5.3 Too many recipients\n");
        for (int session = 0; session < 2; session++) {
            try (RawSmtpClient client = monitor.ehloClient()) {
                long id = sessionOf(monitor, client);
                assertEquals("250 OK", client.command("MAIL FROM:<sender@example.net>"));
                assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
                assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"));
                assertEquals("452 4.5.3 Too many recipients", client.command("RCPT TO:<carol@example.com>"));
                assertEquals("250 OK", client.command("RCPT TO:<dave@example.com>"));
                assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", client.command("DATA"));
                client.send(MESSAGE + ".\r\n");
                assertTrue(client.readReply().startsWith("250 OK: queued as "));
                MessageDelivered delivered = monitor.events().await(MessageDelivered.class, e -> e.sessionId() == id);
                assertEquals(List.of("alice@example.com", "bob@example.com", "dave@example.com"), delivered.recipients());
                assertTrue(transcript(monitor, delivered.sessionId()).contains("-- rule \"rcpt-452\" applied: reply 452"));
            }
        }
        assertEquals(0, Files.size(monitor.mailbox("carol@example.com")), "carol was never a recipient");
        for (String user : List.of("alice", "bob", "dave")) {
            String mailbox = monitor.mailboxText(user + "@example.com");
            assertEquals(2, mailbox.split("Subject: rules", -1).length - 1, user + ": " + mailbox);
        }
        assertEquals(2, monitor.monitor().rules().statuses().get(0).applied());
    }

    @Test
    void aMultiLineReplyIsSentWithOneCodeAndHyphensWhereTheyBelong() throws Exception {
        monitor = start(directory, "[no-helo]\non = helo\nreply = 554 5.7.1 first line\nreply = 554-5.7.1 second\n"
                + "reply = 554 5.7.1 last\n");
        try (RawSmtpClient client = monitor.client()) {
            assertEquals("554-5.7.1 first line\n554-5.7.1 second\n554 5.7.1 last", client.command("EHLO client.test"));
            // The EHLO was not carried out: the session still needs one.
            assertEquals(503, client.readCodeOf("MAIL FROM:<a@example.net>"));
        }
    }

    @Test
    void aDelayedReplyComesNoSoonerAndAnotherSessionIsServedMeanwhile() throws Exception {
        monitor = start(directory, "[slow]\non = data-end\naddress = alice@*\ndelay = 2000\n");
        try (RawSmtpClient slow = monitor.ehloClient(); RawSmtpClient other = monitor.ehloClient()) {
            assertEquals(250, slow.readCodeOf("MAIL FROM:<s@example.net>"));
            assertEquals(250, slow.readCodeOf("RCPT TO:<alice@example.com>"));
            assertEquals(354, slow.readCodeOf("DATA"));
            long start = System.nanoTime();
            // A NOOP pipelined after the message: nothing is read, so it is answered after the delayed reply.
            slow.send(MESSAGE + ".\r\nNOOP\r\n");
            assertTrue(other.mail("o@example.net", "bob@example.com", "Subject: meanwhile\n\nhi").startsWith("250 OK"));
            long otherDone = System.nanoTime() - start;
            String reply = slow.readReply();
            long waited = System.nanoTime() - start;
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
            assertEquals("250 OK", slow.readReply());
            assertTrue(waited >= 1_900_000_000L, "the reply came after " + waited / 1_000_000 + " ms");
            assertTrue(otherDone < waited, "the other session was served while the reply waited");
            assertTrue(monitor.mailboxText("alice@example.com").contains("Subject: rules"));
            assertTrue(transcript(monitor, sessionOf(monitor, slow)).contains("-- rule \"slow\" applied: delay 2000 ms"));
            assertFalse(transcript(monitor, sessionOf(monitor, other)).stream().anyMatch(l -> l.startsWith("-- rule")));
        }
    }

    @Test
    void closeBeforeDropsTheConnectionWithoutAReplyAndStartsNoData() throws Exception {
        monitor = start(directory, "[drop]\non = data\nclose = before\n");
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals(250, client.readCodeOf("MAIL FROM:<s@example.net>"));
            assertEquals(250, client.readCodeOf("RCPT TO:<alice@example.com>"));
            client.send("DATA\r\n");
            client.assertClosedByServer();
            long session = sessionOf(monitor, client);
            SessionClosed closed = monitor.events().await(SessionClosed.class, e -> e.sessionId() == session);
            assertEquals(SessionClosed.Reason.RULE, closed.reason());
            List<String> lines = transcript(monitor, session);
            assertEquals("-- rule \"drop\" applied: close before the reply", lines.get(lines.indexOf("C: DATA") + 1));
            assertEquals("Closed (closed by a rule)", lines.get(lines.size() - 1));
        }
        assertEquals(0, Files.size(monitor.mailbox("alice@example.com")));
    }

    @Test
    void closeAfterSendsTheReplyThenCloses() throws Exception {
        monitor = start(directory, "[bye]\non = mail\nclose = after\n\n[refuse-and-bye]\non = rcpt\n"
                + "reply = 421 4.3.2 Going away\nclose = after\n");
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<s@example.net>"));
            client.assertClosedByServer();
        }
        monitor.monitor().rules().setEnabled("bye", false);
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<s@example.net>"));
            assertEquals("421 4.3.2 Going away", client.command("RCPT TO:<alice@example.com>"));
            client.assertClosedByServer();
            assertTrue(transcript(monitor, sessionOf(monitor, client))
                    .contains("-- rule \"refuse-and-bye\" applied: reply 421, close after the reply"));
        }
    }

    @Test
    void aDiscardedMessageIsAnsweredAsStoredButNoMailboxHasIt() throws Exception {
        monitor = start(directory, "[blackhole-bob]\non = data-end\naddress = BOB@*\ndiscard = yes\n");
        try (RawSmtpClient client = monitor.ehloClient()) {
            String reply = client.sendMessage("s@example.net", List.of("alice@example.com", "bob@example.com"),
                    "Subject: to the hole\r\n\r\nx\r\n");
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
            assertTrue(client.mail("s@example.net", "alice@example.com", "Subject: kept\n\ny").startsWith("250 OK"));
            long session = sessionOf(monitor, client);
            monitor.events().await(MessageDelivered.class, e -> e.sessionId() == session);
            List<String> lines = transcript(monitor, session);
            assertTrue(lines.contains("-- rule \"blackhole-bob\" applied: message stored nowhere"), lines.toString());
            List<SessionEvent> delivered = monitor.events().ofSession(session).stream()
                    .filter(MessageDelivered.class::isInstance).toList();
            assertEquals(1, delivered.size(), "only the kept message is told as delivered");
        }
        assertEquals(0, Files.size(monitor.mailbox("bob@example.com")));
        String alice = monitor.mailboxText("alice@example.com");
        assertFalse(alice.contains("to the hole"), alice);
        assertTrue(alice.contains("Subject: kept"), alice);
    }

    /** 2,048 bytes of message: at 1,024 bytes a second, no less than about 1.5 s to arrive (the first burst is a tenth of a second's). */
    private static final String TWO_KB = "Subject: slow\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(20) + "y".repeat(29)
            + "\r\n";

    /** Sends {@link #TWO_KB} to alice and answers how long from the first byte of data to the 250. */
    private static long nanosToSendTwoKilobytes(RawSmtpClient client) throws Exception {
        assertEquals(2048, TWO_KB.length());
        assertEquals(250, client.readCodeOf("MAIL FROM:<s@example.net>"));
        assertEquals(250, client.readCodeOf("RCPT TO:<alice@example.com>"));
        assertEquals(354, client.readCodeOf("DATA"));
        long start = System.nanoTime();
        client.send(TWO_KB + ".\r\n");
        String reply = client.readReply();
        assertTrue(reply.startsWith("250 OK: queued as "), reply);
        return System.nanoTime() - start;
    }

    @Test
    void aThrottledConnectionReadsNoFasterThanItsRateInTheClearAndOverTls() throws Exception {
        monitor = start(directory, "[slow-link]\non = connect\nthrottle = 1024\n");
        try (RawSmtpClient client = monitor.ehloClient()) {
            long took = nanosToSendTwoKilobytes(client);
            assertTrue(took >= 1_500_000_000L, "2 KB at 1 KB/s took only " + took / 1_000_000 + " ms");
            assertTrue(transcript(monitor, sessionOf(monitor, client))
                    .contains("-- rule \"slow-link\" applied: throttle 1024 bytes/s"));
        }
        RawSmtpClient clear = monitor.ehloClient();
        assertEquals(220, clear.readCodeOf("STARTTLS"));
        try (RawSmtpClient client = clear.startTls(monitor.trustingContext(), null)) {
            assertEquals(250, client.readCodeOf("EHLO client.test"));
            long took = nanosToSendTwoKilobytes(client);
            assertTrue(took >= 1_500_000_000L, "2 KB at 1 KB/s over TLS took only " + took / 1_000_000 + " ms");
        }
        assertEquals(2, monitor.mailboxText("alice@example.com").split("Subject: slow", -1).length - 1);
    }

    @Test
    void aThrottledConnectionWritesNoFasterThanItsRate() throws Exception {
        String line = "5.7.1 " + "z".repeat(400);
        monitor = start(directory, "[long-and-slow]\non = helo\nthrottle = 1024\n"
                + ("reply = 554 " + line + "\n").repeat(5));
        try (RawSmtpClient client = monitor.client()) {
            long start = System.nanoTime();
            String reply = client.command("EHLO client.test");
            long took = System.nanoTime() - start;
            assertEquals(5 * 411 - 1, reply.length());
            assertTrue(took >= 1_500_000_000L, "a 2 KB reply at 1 KB/s took only " + took / 1_000_000 + " ms");
            assertEquals("250 OK", client.command("NOOP"));
        }
    }

    @Test
    void aConnectRuleShapesTheGreetingOnTheImplicitTlsPortAfterTheHandshake() throws Exception {
        Files.writeString(directory.resolve("users.txt"), USERS);
        Path rules = Files.writeString(directory.resolve("rules.txt"), "[tls-greeting]\non = connect\ndelay = 300\n"
                + "reply = 554 5.3.2 Not over TLS today\n");
        monitor = TestMonitor.start(directory, TestMonitor.settingsWithTlsPort(directory).withRulesFile(rules));
        try (RawSmtpClient client = RawSmtpClient.connectTls(monitor.tlsAddress(), monitor.trustingContext(), null)) {
            // Sent before the greeting: nothing is read while the greeting waits, so it is answered after it.
            client.send("NOOP\r\n");
            assertEquals("554 5.3.2 Not over TLS today", client.readReply());
            assertEquals("250 OK", client.readReply());
        }
        assertEquals(1, monitor.monitor().rules().statuses().get(0).applied());
    }

    @Test
    void aConnectRuleReplacesTheGreeting() throws Exception {
        monitor = start(directory, "[busy]\non = connect\nreply = 421 4.3.2 Too busy\nclose = after\n");
        try (RawSmtpClient client = RawSmtpClient.connect(monitor.address())) {
            assertEquals("421 4.3.2 Too busy", client.readReply());
            client.assertClosedByServer();
            assertTrue(transcript(monitor, sessionOf(monitor, client))
                    .contains("-- rule \"busy\" applied: reply 421, close after the reply"));
        }
    }
}
