package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every reply of the session state machine, without a socket. */
class SmtpSessionTest {

    /** Records deliveries in memory; can be told to fail. */
    private static final class MemoryStore implements MessageStore {
        final List<String> users = List.of("alice@example.com", "Bob@Example.com");
        final List<Envelope> envelopes = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        boolean failing;

        @Override
        public String findUser(String address) {
            String full = address.contains("@") ? address : address + "@example.com";
            return users.stream().filter(u -> u.equalsIgnoreCase(full)).findFirst().orElse(null);
        }

        @Override
        public Pending append(Envelope envelope, byte[] data, int length) throws IOException {
            if (failing) {
                throw new IOException("disk full");
            }
            envelopes.add(envelope);
            messages.add(new String(data, 0, length, StandardCharsets.ISO_8859_1));
            List<StoredCopy> copies = new ArrayList<>();
            for (String recipient : envelope.recipients()) {
                copies.add(new StoredCopy(recipient, Path.of(recipient + ".txt"), 0, length));
            }
            return () -> copies;
        }
    }

    private final MemoryStore store = new MemoryStore();
    private SmtpSession session = new SmtpSession(SmtpConfig.defaults("example.com"), store, "Q");

    private int code(String line) {
        return session.command(line).reply().code();
    }

    private String reply(String line) {
        return session.command(line).reply().toString();
    }

    private void startTransaction() {
        assertEquals(250, code("EHLO client.test"));
        assertEquals(250, code("MAIL FROM:<sender@client.test>"));
        assertEquals(250, code("RCPT TO:<alice@example.com>"));
    }

    private Step deliver(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return session.messageReceived(bytes, bytes.length);
    }

    @Test
    void greetingNamesTheDomain() {
        assertEquals("220 example.com ESMTP smtp-monitor ready", session.greeting().toString());
    }

    @Test
    void heloAnswersWithTheDomainAndTheClientName() {
        assertEquals("250 example.com Hello client.test", reply("HELO client.test"));
    }

    @Test
    void ehloListsSizeEightBitMimePipeliningAndSmtpUtf8() {
        Reply reply = session.command("EHLO client.test").reply();
        assertEquals(List.of("250-example.com Hello client.test", "250-SIZE 26214400", "250-8BITMIME",
                "250-PIPELINING", "250-SMTPUTF8", "250 HELP"), reply.lines());
        assertEquals("250-example.com Hello client.test\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n"
                + "250-PIPELINING\r\n250-SMTPUTF8\r\n250 HELP\r\n", new String(reply.wire(), StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HELO", "EHLO", "HELO ", "ehlo   "})
    void heloWithoutADomainIs501(String line) {
        assertEquals(501, code(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"helo x", "Helo x", "eHlO x"})
    void verbsAreCaseInsensitive(String line) {
        assertEquals(250, code(line));
        assertEquals(250, code("mail from:<a@b.c>"));
        assertEquals(250, code("rcpt to:<ALICE@EXAMPLE.COM>"));
        assertEquals(354, code("data"));
    }

    @Test
    void mailBeforeHeloIs503() {
        assertEquals(503, code("MAIL FROM:<a@b.c>"));
        assertEquals(250, code("HELO x"));
        assertEquals(250, code("MAIL FROM:<a@b.c>"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAIL FROM:<a@b.c>", "MAIL FROM: <a@b.c>", "MAIL FROM:a@b.c", "MAIL FROM:<>",
                            "MAIL FROM:<a@b.c> SIZE=100", "MAIL FROM:<a@b.c> BODY=8BITMIME",
                            "MAIL FROM:<@relay.test:a@b.c>", "MAIL FROM:<\"a b\"@b.c>"})
    void mailAcceptsTheFormsClientsAndPeopleUse(String line) {
        code("EHLO x");
        assertEquals("250 OK", reply(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAIL", "MAIL TO:<a@b.c>", "MAIL FROM:", "MAIL FROM:<a@b.c", "MAIL FROM:<a b@c.d>",
                            "MAIL FROM:<a@@b.c>", "MAIL FROM:<a@b.c>x", "MAIL FROM:<a@b.c> SIZE=abc",
                            "MAIL FROM:<a@b.c> BODY=9BIT"})
    void malformedMailIs501AndStartsNoTransaction(String line) {
        code("EHLO x");
        assertEquals(501, code(line));
        assertEquals(503, code("RCPT TO:<alice@example.com>"));
    }

    @Test
    void unknownMailParameterIs555() {
        code("EHLO x");
        assertEquals(555, code("MAIL FROM:<a@b.c> AUTH=<>"));
    }

    @Test
    void declaredSizeOverTheLimitIs552() {
        code("EHLO x");
        assertEquals(552, code("MAIL FROM:<a@b.c> SIZE=26214401"));
        assertEquals(250, code("MAIL FROM:<a@b.c> SIZE=26214400"));
    }

    @Test
    void secondMailInATransactionIs503() {
        startTransaction();
        assertEquals(503, code("MAIL FROM:<other@b.c>"));
    }

    @Test
    void rcptBeforeMailIs503() {
        code("EHLO x");
        assertEquals(503, code("RCPT TO:<alice@example.com>"));
    }

    @Test
    void rcptToUnknownUserRepliesAddressUnknownAndKeepsTheTransaction() {
        startTransaction();
        assertEquals("550 Address unknown", reply("RCPT TO:<mallory@example.com>"));
        assertEquals(354, code("DATA"));
        deliver("x\r\n");
        assertEquals(List.of("alice@example.com"), store.envelopes.get(0).recipients());
    }

    @Test
    void rcptMatchesUsersIgnoringCaseAndBareNamesGetTheDomain() {
        code("EHLO x");
        code("MAIL FROM:<a@b.c>");
        assertEquals(250, code("RCPT TO:<bob@example.com>"));
        assertEquals(250, code("RCPT TO:alice"));
        assertEquals(354, code("DATA"));
        deliver("x\r\n");
        assertEquals(List.of("Bob@Example.com", "alice@example.com"), store.envelopes.get(0).recipients());
    }

    @Test
    void aRecipientGivenTwiceGetsOneCopy() {
        startTransaction();
        assertEquals(250, code("RCPT TO:<ALICE@example.com>"));
        code("DATA");
        deliver("x\r\n");
        assertEquals(List.of("alice@example.com"), store.envelopes.get(0).recipients());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RCPT", "RCPT FROM:<alice@example.com>", "RCPT TO:", "RCPT TO:<>", "RCPT TO:<a b>"})
    void malformedRcptIs501(String line) {
        code("EHLO x");
        code("MAIL FROM:<a@b.c>");
        assertEquals(501, code(line));
    }

    @Test
    void recipientsBeyondTheLimitGet452() {
        session = new SmtpSession(new SmtpConfig("example.com", 1000, 1, false), store, "Q");
        startTransaction();
        assertEquals(452, code("RCPT TO:<bob@example.com>"));
    }

    @Test
    void dataWithoutRecipientsIs503AndWithoutMailToo() {
        code("EHLO x");
        assertEquals(503, code("DATA"));
        code("MAIL FROM:<a@b.c>");
        assertEquals(503, code("DATA"));
    }

    @Test
    void dataStartsMessageInput() {
        startTransaction();
        Step step = session.command("DATA");
        assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", step.reply().toString());
        assertEquals(Step.Next.DATA, step.next());
    }

    @Test
    void dataWithAnArgumentIs501() {
        startTransaction();
        assertEquals(501, code("DATA now"));
    }

    @Test
    void endOfDataStoresTheMessageAndEndsTheTransaction() {
        startTransaction();
        code("DATA");
        Step step = deliver("Subject: hi\r\n\r\nbody\r\n");
        assertEquals(250, step.reply().code());
        assertTrue(step.reply().toString().startsWith("250 OK: queued as Q."), step.reply().toString());
        assertEquals("sender@client.test", step.envelope().sender());
        assertEquals(1, step.copies().size());
        assertEquals("Subject: hi\r\n\r\nbody\r\n", store.messages.get(0));
        assertEquals(1, session.messageCount());
        assertEquals(503, code("RCPT TO:<alice@example.com>"));
    }

    @Test
    void severalMessagesPerSessionGetTheirOwnQueueIds() {
        startTransaction();
        code("DATA");
        String first = deliver("one\r\n").envelope().queueId();
        assertEquals(250, code("MAIL FROM:<a@b.c>"));
        assertEquals(250, code("RCPT TO:<bob@example.com>"));
        code("DATA");
        String second = deliver("two\r\n").envelope().queueId();
        assertEquals(List.of("one\r\n", "two\r\n"), store.messages);
        assertTrue(!first.equals(second), first + " vs " + second);
    }

    @Test
    void aFailedDeliveryIs451WithTheReasonAndNothingCounted() {
        startTransaction();
        code("DATA");
        store.failing = true;
        Step step = deliver("x\r\n");
        assertEquals(451, step.reply().code());
        assertTrue(step.failure().contains("disk full"), step.failure());
        assertEquals(0, session.messageCount());
        assertEquals(503, code("RCPT TO:<alice@example.com>"));
    }

    @Test
    void aTooLargeMessageIs552AndEndsTheTransaction() {
        startTransaction();
        code("DATA");
        assertEquals(552, session.messageTooLarge().reply().code());
        assertTrue(store.messages.isEmpty());
        assertEquals(250, code("MAIL FROM:<a@b.c>"));
    }

    @Test
    void aMessageWithoutMemoryIs452InsufficientStorageAndEndsTheTransaction() {
        startTransaction();
        code("DATA");
        assertEquals("452 4.3.1 Insufficient system storage", String.join("\n", session.insufficientStorage().reply().lines()));
        assertTrue(store.messages.isEmpty());
        assertEquals(0, session.messageCount());
        assertEquals(250, code("MAIL FROM:<a@b.c>"));
    }

    @Test
    void messageWithoutDataCommandIsAProgrammingError() {
        assertThrows(IllegalStateException.class, () -> deliver("x"));
    }

    @Test
    void rsetClearsTheTransaction() {
        startTransaction();
        assertEquals("250 OK", reply("RSET"));
        assertEquals(503, code("DATA"));
        assertEquals(250, code("MAIL FROM:<a@b.c>"));
        assertEquals(501, code("RSET now"));
    }

    @Test
    void ehloInTheMiddleClearsTheTransaction() {
        startTransaction();
        assertEquals(250, code("EHLO again"));
        assertEquals(503, code("DATA"));
    }

    @Test
    void noopVrfyAndHelp() {
        assertEquals("250 OK", reply("NOOP"));
        assertEquals("250 OK", reply("NOOP anything"));
        assertEquals(252, code("VRFY alice"));
        assertEquals(501, code("VRFY"));
        Reply help = session.command("HELP").reply();
        assertEquals(214, help.code());
        assertTrue(help.lines().size() > 1);
        assertTrue(help.lines().get(0).startsWith("214-"));
    }

    @Test
    void quitSays221AndCloses() {
        Step step = session.command("QUIT");
        assertEquals("221 example.com Service closing transmission channel", step.reply().toString());
        assertEquals(Step.Next.CLOSE, step.next());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "HELLO", "MAILFROM:<a@b.c>", "GET / HTTP/1.1", "\u0000\u0001", "caf\u00e9"})
    void anythingButACommandIs500AndChangesNothing(String line) {
        startTransaction();
        assertEquals("500 Syntax error, command unrecognized", reply(line));
        assertEquals(354, code("DATA"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXPN list", "TURN", "STARTTLS"})
    void knownButUnimplementedVerbsAre502(String line) {
        assertEquals(502, code(line.toLowerCase(Locale.ROOT)));
    }

    @Test
    void requireHeloDomainRefusesAForeignSenderAndLetsTheClientTryAgain() {
        session = new SmtpSession(new SmtpConfig("example.com", 1000, 100, true), store, "Q");
        code("HELO client.test");
        Reply refused = session.command("MAIL FROM:<a@elsewhere.test>").reply();
        assertEquals(550, refused.code());
        assertTrue(refused.toString().contains("client.test"), refused.toString());
        assertEquals(250, code("MAIL FROM:<a@CLIENT.test>"));
    }

    @Test
    void lineTooLongAndServiceClosingReplies() {
        assertEquals("500 Line too long", session.lineTooLong().toString());
        assertEquals("421 example.com Idle timeout, closing transmission channel",
                session.serviceClosing("Idle timeout").toString());
    }
}
