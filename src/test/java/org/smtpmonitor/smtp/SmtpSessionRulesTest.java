package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

/** The steps a session gives when rules apply, without a socket: what is carried out and what is not. */
class SmtpSessionRulesTest {

    /** Keeps what it is given in memory. */
    private static final class MemoryStore implements MessageStore {
        final List<Envelope> stored = new ArrayList<>();

        @Override
        public String findUser(String address) {
            return address.toLowerCase(Locale.ROOT);
        }

        @Override
        public Pending append(Envelope envelope, byte[] data, int length) {
            stored.add(envelope);
            List<StoredCopy> copies = new ArrayList<>();
            for (String recipient : envelope.recipients()) {
                copies.add(new StoredCopy(recipient, Path.of(recipient + ".txt"), 0, length));
            }
            return () -> copies;
        }
    }

    private final MemoryStore store = new MemoryStore();

    private SmtpSession session(String rules) throws RulesException {
        return session(rules, 7, Math::random);
    }

    private SmtpSession session(String rules, long id, DoubleSupplier random)
            throws RulesException {
        RuleBook book = new RuleBook(RuleSet.parse(rules, "rules.txt"), random);
        return new SmtpSession(SmtpConfig.defaults("example.com"), store, "Q", id, "127.0.0.1:1", book);
    }

    private static String reply(SmtpSession session, String line) {
        return session.command(line).reply().toString();
    }

    private static void transaction(SmtpSession session) {
        assertEquals(250, session.command("EHLO client.test").reply().code());
        assertEquals(250, session.command("MAIL FROM:<s@client.test>").reply().code());
        assertEquals(250, session.command("RCPT TO:<alice@example.com>").reply().code());
        assertEquals(354, session.command("DATA").reply().code());
    }

    private static Step message(SmtpSession session) {
        byte[] bytes = "Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
        return session.messageReceived(bytes, bytes.length);
    }

    @Test
    void aDataRulesReplyStartsNoData() throws RulesException {
        SmtpSession session = session("[d]\non = data\nnth = 1\nreply = 451 4.3.0 later\n");
        session.command("EHLO c");
        session.command("MAIL FROM:<s@c>");
        session.command("RCPT TO:<alice@example.com>");
        Step step = session.command("DATA");
        assertEquals("451 4.3.0 later", step.reply().toString());
        assertEquals(Step.Next.COMMAND, step.next());
        assertEquals("d", step.rule().name());
        assertEquals(354, session.command("DATA").reply().code(), "the transaction is still there");
    }

    @Test
    void aDataEndReplyStoresNothingAndEndsTheTransaction() throws RulesException {
        SmtpSession session = session("[e]\non = data-end\nreply = 554 5.6.0 refused\n");
        transaction(session);
        Step step = message(session);
        assertEquals("554 5.6.0 refused", step.reply().toString());
        assertNull(step.envelope());
        assertTrue(store.stored.isEmpty());
        assertEquals(0, session.messageCount());
        assertEquals(503, session.command("RCPT TO:<alice@example.com>").reply().code());
    }

    @Test
    void closeBeforeAtDataEndDropsTheMessage() throws RulesException {
        SmtpSession session = session("[x]\non = data-end\nclose = before\ndelay = 30\n");
        transaction(session);
        Step step = message(session);
        assertEquals(Step.Next.DROP, step.next());
        assertNull(step.reply());
        assertEquals(Duration.ofMillis(30), step.delay(), "the wait, then the drop");
        assertTrue(store.stored.isEmpty());
    }

    @Test
    void aDiscardedMessageGetsAQueueIdAndIsStoredNowhere() throws RulesException {
        SmtpSession session = session("[hole]\non = data-end\naddress = alice@*\ndiscard = yes\n");
        transaction(session);
        Step step = message(session);
        assertEquals("250 OK: queued as Q.1", step.reply().toString());
        assertTrue(step.discarded());
        assertEquals(List.of(), step.copies());
        assertEquals("Q.1", step.envelope().queueId());
        assertTrue(store.stored.isEmpty());
        assertEquals(250, session.command("MAIL FROM:<s@c>").reply().code());
        assertEquals(250, session.command("RCPT TO:<bob@example.com>").reply().code());
        assertEquals(354, session.command("DATA").reply().code());
        Step kept = message(session);
        assertEquals("250 OK: queued as Q.2", kept.reply().toString());
        assertFalse(kept.discarded());
        assertEquals(1, store.stored.size());
    }

    @Test
    void aDelayAtDataEndStoresTheMessageAndHoldsItsReply() throws RulesException {
        SmtpSession session = session("[slow]\non = data-end\ndelay = 250\nclose = after\nthrottle = 99\n");
        transaction(session);
        Step step = message(session);
        assertTrue(step.reply().toString().startsWith("250 OK: queued as "));
        assertEquals(Duration.ofMillis(250), step.delay());
        assertEquals(Step.Next.CLOSE, step.next());
        assertEquals(99, step.throttle());
        assertEquals(1, store.stored.size());
    }

    @Test
    void aMailRulesReplyOpensNoTransaction() throws RulesException {
        SmtpSession session = session("[m]\non = mail\naddress = *@bad.test\nreply = 550 5.7.1 no\n");
        session.command("EHLO c");
        assertEquals("550 5.7.1 no", reply(session, "MAIL FROM:<x@BAD.test>"));
        assertEquals(503, session.command("RCPT TO:<alice@example.com>").reply().code());
        assertEquals("250 OK", reply(session, "MAIL FROM:<x@good.test>"));
    }

    @Test
    void eachRuleCountsItsOwnMatchesWhicheverApplies() throws RulesException {
        SmtpSession session = session("[second]\non = rcpt\nnth = 2\nreply = 451 4.0.0 second\n\n"
                + "[third]\non = rcpt\nnth = 3\nreply = 452 4.0.0 third\n\n[any]\non = command\nnth = 4\n"
                + "reply = 421 4.0.0 fourth command\n");
        session.command("EHLO c");
        session.command("MAIL FROM:<s@c>");
        assertEquals("250 OK", reply(session, "RCPT TO:<a@x>"));
        // The fourth command line: "any" counts RCPTs too, but "second" comes first in the file.
        assertEquals("451 4.0.0 second", reply(session, "RCPT TO:<b@x>"));
        assertEquals("452 4.0.0 third", reply(session, "RCPT TO:<c@x>"));
        assertEquals("250 OK", reply(session, "RCPT TO:<d@x>"));
    }

    @Test
    void probabilityIsComparedWithTheDrawnNumber() throws RulesException {
        String rules = "[half]\non = command\nprobability = 0.5\nreply = 451 4.0.0 half\n";
        assertEquals("451 4.0.0 half", reply(session(rules, 1, () -> 0.49), "NOOP"));
        assertEquals("250 OK", reply(session(rules, 1, () -> 0.5), "NOOP"));
    }

    @Test
    void aSessionRuleAppliesInItsSessionOnlyAndConnectShapesTheGreeting() throws RulesException {
        String rules = "[greet]\non = connect\nsession = 2\nreply = 554 5.3.2 not you\n";
        assertEquals("220 example.com ESMTP smtp-monitor ready", session(rules, 1, Math::random).connected().reply()
                .toString());
        Step step = session(rules, 2, Math::random).connected();
        assertEquals("554 5.3.2 not you", step.reply().toString());
        assertEquals("reply 554", step.rule().action());
    }

    @Test
    void withoutRulesNoStepCarriesARule() {
        SmtpSession session = new SmtpSession(SmtpConfig.defaults("example.com"), store, "Q");
        assertNull(session.connected().rule());
        transaction(session);
        Step step = message(session);
        assertNull(step.rule());
        assertEquals(0, step.throttle());
    }
}
