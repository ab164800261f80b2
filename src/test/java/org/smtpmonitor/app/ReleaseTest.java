package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.AiosmtpdServer;
import org.smtpmonitor.testing.StoredMessages;
import org.smtpmonitor.testing.TestCertificate;
import org.smtpmonitor.testing.TestMonitor;
import org.smtpmonitor.testing.TlsSmtpServer;

/**
 * {@link MailboxDirectory#release}: a message a monitor stored, sent on with our client to a
 * second smtp-monitor and to aiosmtpd over real sockets, and the bytes that arrive compared
 * with the bytes stored; recipients overridden and refused; STARTTLS, implicit TLS and AUTH;
 * and the failures that are outcomes, not exceptions.
 */
class ReleaseTest {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final String SENDER = "sender@client.test";
    private static final String PASSWORD = "s3cret-Pa55word";

    @TempDir
    Path directory;

    private TestMonitor start(String name, MailboxFormat format) throws Exception {
        Path where = directory.resolve(name);
        java.nio.file.Files.createDirectories(where);
        return TestMonitor.start(where, TestMonitor.settings(where, format));
    }

    /** A monitor with STARTTLS, an implicit-TLS port, and AUTH that takes any password. */
    private TestMonitor startTlsMonitor(String name) throws Exception {
        Path where = java.nio.file.Files.createDirectories(directory.resolve(name));
        return TestMonitor.start(where, TestMonitor.settingsWithTlsPort(where)
                .withAuth(AuthPolicy.of(AuthMode.ANY, false, false)));
    }

    private static ReleaseTarget plain(int port, String... to) {
        return new ReleaseTarget("127.0.0.1", port, ReleaseTarget.Security.PLAIN, null, null, false, List.of(to));
    }

    private static ReleaseOutcome release(TestMonitor source, long id, ReleaseTarget target) throws IOException {
        try (MailboxDirectory mail = source.monitor().mail()) {
            return mail.release(id, target);
        }
    }

    private static boolean hasLine(ReleaseOutcome outcome, String start) {
        return outcome.transcript().stream().anyMatch(line -> line.startsWith(start));
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void releasedToASecondSmtpMonitorTheStoredBytesArriveExactly(MailboxFormat format) throws Exception {
        try (TestMonitor source = start("source", format); TestMonitor target = start("target", MailboxFormat.RAW)) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);
            byte[] stored = StoredMessages.exported(source, id);
            assertArrayEquals(StoredMessages.TRICKY, stored, "the source stored what was sent");

            ReleaseOutcome outcome = release(source, id, plain(target.port()));

            assertTrue(outcome.delivered(), outcome.toString());
            assertEquals(List.of(ALICE), outcome.accepted());
            assertEquals(List.of(), outcome.refused());
            assertTrue(outcome.summary().startsWith("250 ") && outcome.summary().endsWith("(1 recipient)"),
                    outcome.summary());
            IndexedMessage arrived = StoredMessages.newest(target, ALICE);
            assertArrayEquals(stored, StoredMessages.exported(target, arrived.id()));
            assertArrayEquals(stored, target.mailboxBytes(ALICE), "a raw mailbox holds the bytes as received");
            assertEquals(SENDER, arrived.envelopeFrom());
            assertEquals(List.of(ALICE), arrived.envelopeTo());
            // The envelope asks for what the message needs and the server offers.
            assertTrue(outcome.transcript().stream().anyMatch(l -> l.startsWith("C: MAIL FROM:<" + SENDER + ">")
                    && l.contains(" SIZE=" + stored.length) && l.contains(" BODY=8BITMIME") && l.contains(" SMTPUTF8")),
                    String.join("\n", outcome.transcript()));
            assertTrue(outcome.transcript().contains("C: <message data, " + stored.length + " bytes>"));
            assertFalse(outcome.transcript().stream().anyMatch(l -> l.contains("the end") || l.contains("xxxxxxxx")),
                    "the message is not in the transcript");
            assertTrue(hasLine(outcome, "S: 220 ") && hasLine(outcome, "C: EHLO client.test")
                    && hasLine(outcome, "C: QUIT") && hasLine(outcome, "S: 221"), String.join("\n", outcome.transcript()));
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void releasedToAiosmtpdTheStoredBytesArriveExactly(MailboxFormat format) throws Exception {
        try (TestMonitor source = start("source", format)) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE, BOB), StoredMessages.TRICKY);
            byte[] stored = StoredMessages.exported(source, id);
            TestCertificate certificate = TestCertificate.create(directory, "aiosmtpd", TestCertificate.LOCALHOST);
            try (AiosmtpdServer aiosmtpd = AiosmtpdServer.start(java.nio.file.Files.createDirectories(
                    directory.resolve("aiosmtpd")), TlsSmtpServer.Mode.PLAIN, certificate, Map.of())) {

                ReleaseOutcome outcome = release(source, id, plain(aiosmtpd.port()));

                assertTrue(outcome.delivered(), String.join("\n", outcome.transcript()));
                assertEquals(List.of(ALICE, BOB), outcome.accepted(), "the stored envelope's recipients");
                List<TlsSmtpServer.Received> received = aiosmtpd.received();
                assertEquals(1, received.size());
                assertArrayEquals(stored, received.get(0).data());
                assertTrue(outcome.transcript().stream().anyMatch(l -> l.startsWith("C: MAIL FROM:<" + SENDER + ">")
                        && l.contains(" BODY=8BITMIME")), String.join("\n", outcome.transcript()));
            }
        }
    }

    @Test
    void theRecipientsMayBeOverriddenAndTheNullSenderStaysNull() throws Exception {
        try (TestMonitor source = start("source", MailboxFormat.RAW); TestMonitor target = start("target", MailboxFormat.RAW)) {
            long id = StoredMessages.deliver(source, "", List.of(ALICE), StoredMessages.TRICKY);

            ReleaseOutcome outcome = release(source, id, plain(target.port(), BOB));

            assertTrue(outcome.delivered(), String.join("\n", outcome.transcript()));
            assertEquals(List.of(BOB), outcome.accepted());
            assertTrue(outcome.transcript().stream().anyMatch(l -> l.startsWith("C: MAIL FROM:<> ")),
                    String.join("\n", outcome.transcript()));
            assertEquals(0, StoredMessages.count(target, ALICE));
            IndexedMessage arrived = StoredMessages.newest(target, BOB);
            assertEquals("", arrived.envelopeFrom());
            assertArrayEquals(StoredMessages.TRICKY, StoredMessages.exported(target, arrived.id()));
        }
    }

    @Test
    void aRefusedRecipientIsReportedAndTheAcceptedOnesGetTheMessage() throws Exception {
        try (TestMonitor source = start("source", MailboxFormat.RAW); TestMonitor target = start("target", MailboxFormat.RAW)) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);

            ReleaseOutcome outcome = release(source, id, plain(target.port(), ALICE, "nobody@example.com"));

            assertFalse(outcome.delivered(), "not to every recipient");
            assertEquals(List.of(ALICE), outcome.accepted());
            assertEquals(List.of(new ReleaseOutcome.Refusal("nobody@example.com", "550 Address unknown")),
                    outcome.refusals());
            assertTrue(outcome.summary().startsWith("delivered to 1 of 2 recipients (250 ")
                    && outcome.summary().contains("nobody@example.com: 550 Address unknown"), outcome.summary());
            assertArrayEquals(StoredMessages.TRICKY, StoredMessages.exported(target, StoredMessages.newest(target, ALICE).id()));
        }
    }

    @Test
    void whenEveryRecipientIsRefusedNothingIsSent() throws Exception {
        try (TestMonitor source = start("source", MailboxFormat.RAW); TestMonitor target = start("target", MailboxFormat.RAW)) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);

            ReleaseOutcome outcome = release(source, id, plain(target.port(), "nobody@example.com"));

            assertFalse(outcome.delivered());
            assertEquals(List.of(), outcome.accepted());
            assertEquals(List.of("nobody@example.com: 550 Address unknown"), outcome.refused());
            assertTrue(outcome.summary().startsWith("no recipient was accepted"), outcome.summary());
            assertFalse(hasLine(outcome, "C: DATA"));
            assertNull(StoredMessages.newest(target, ALICE));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReleaseTarget.Security.class, names = {"STARTTLS", "TLS"})
    void overTlsWithAuthTheBytesArriveAndThePasswordIsNeverShown(ReleaseTarget.Security security) throws Exception {
        try (TestMonitor source = start("source", MailboxFormat.MBOX); TestMonitor target = startTlsMonitor("target")) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);
            int port = security == ReleaseTarget.Security.TLS ? target.tlsAddress().getPort() : target.port();

            ReleaseOutcome outcome = release(source, id,
                    new ReleaseTarget("127.0.0.1", port, security, "releaser", PASSWORD, true, List.of()));

            String transcript = String.join("\n", outcome.transcript());
            assertTrue(outcome.delivered(), transcript);
            assertTrue(transcript.matches("(?s).*\n-- TLS 1\\.[23] TLS_\\S+, certificate .*"), transcript);
            assertTrue(hasLine(outcome, "C: AUTH "), transcript);
            assertTrue(hasLine(outcome, "S: 235 "), transcript);
            assertFalse(transcript.contains(PASSWORD), transcript);
            assertFalse(outcome.toString().contains(PASSWORD));
            assertEquals(security == ReleaseTarget.Security.STARTTLS, hasLine(outcome, "C: STARTTLS"), transcript);
            IndexedMessage arrived = StoredMessages.newest(target, ALICE);
            assertArrayEquals(StoredMessages.TRICKY, StoredMessages.exported(target, arrived.id()));
            assertEquals("releaser", arrived.arrival().authUser());
            assertTrue(arrived.arrival().overTls());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReleaseTarget.Security.class, names = {"STARTTLS", "TLS"})
    void anUntrustedCertificateIsAnOutcomeNotAnException(ReleaseTarget.Security security) throws Exception {
        try (TestMonitor source = start("source", MailboxFormat.RAW); TestMonitor target = startTlsMonitor("target")) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);
            int port = security == ReleaseTarget.Security.TLS ? target.tlsAddress().getPort() : target.port();

            ReleaseOutcome outcome = release(source, id,
                    new ReleaseTarget("127.0.0.1", port, security, "releaser", PASSWORD, false, List.of()));

            String transcript = String.join("\n", outcome.transcript());
            assertFalse(outcome.delivered(), transcript);
            assertEquals(List.of(), outcome.accepted());
            assertTrue(outcome.summary().startsWith("TLS with 127.0.0.1:" + port + " failed: "), outcome.summary());
            assertTrue(hasLine(outcome, "-- TLS failed"), transcript);
            assertFalse(hasLine(outcome, "C: AUTH"), "no credential goes to a server that was not trusted");
            assertFalse(transcript.contains(PASSWORD));
            assertNull(StoredMessages.newest(target, ALICE));
        }
    }

    @Test
    void aPortWhereNothingListensAndAnUnknownHostAreOutcomes() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (TestMonitor source = start("source", MailboxFormat.RAW)) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);

            ReleaseOutcome outcome = release(source, id, plain(closed));

            assertFalse(outcome.delivered());
            assertEquals(List.of(), outcome.accepted());
            assertEquals(List.of(), outcome.refused());
            assertTrue(outcome.summary().contains("cannot connect to 127.0.0.1:" + closed), outcome.summary());
            assertEquals("-- " + outcome.summary(), outcome.transcript().get(outcome.transcript().size() - 1));

            // RFC 2606 reserves .invalid: no such host anywhere.
            ReleaseOutcome unknown = release(source, id, new ReleaseTarget("no-such-host.invalid", 25,
                    ReleaseTarget.Security.PLAIN, null, null, false, List.of()));
            assertFalse(unknown.delivered());
            assertEquals("unknown host 'no-such-host.invalid'", unknown.summary());
        }
    }

    @Test
    void anUnknownMessageIsNoSuchFileAndABadRecipientIsRefusedBeforeAnythingIsSent() throws Exception {
        try (TestMonitor source = start("source", MailboxFormat.RAW); TestMonitor target = start("target", MailboxFormat.RAW)) {
            long id = StoredMessages.deliver(source, SENDER, List.of(ALICE), StoredMessages.TRICKY);

            assertThrows(NoSuchFileException.class, () -> release(source, id + 1000, plain(target.port())));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> release(source, id, plain(target.port(), "bob@example.com>\r\nRSET")));
            assertTrue(bad.getMessage().contains("is not an address"), bad.getMessage());
            assertEquals(0, target.monitor().server().openSessions());
            assertNull(StoredMessages.newest(target, BOB));
        }
    }
}
