package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** STARTTLS (RFC 3207) and --require-tls in the session state machine, without a socket. */
class SmtpSessionStartTlsTest {

    private static final TlsInfo TLS = new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "");

    /** Knows alice@example.com; keeps nothing. */
    private static final MessageStore STORE = new MessageStore() {
        @Override
        public String findUser(String address) {
            return address.equalsIgnoreCase("alice@example.com") ? "alice@example.com" : null;
        }

        @Override
        public Pending append(Envelope envelope, byte[] data, int length) {
            List<StoredCopy> copies = List.of(new StoredCopy("alice@example.com", Path.of("alice.txt"), 0, length));
            return () -> copies;
        }
    };

    private static SmtpSession session(boolean startTls, boolean requireTls) {
        return new SmtpSession(new SmtpConfig("example.com", 1000, 100, false, startTls, requireTls), STORE, "Q");
    }

    private final SmtpSession session = session(true, false);

    private String reply(String line) {
        return session.command(line).reply().toString();
    }

    @Test
    void ehloInTheClearOffersStartTlsBeforeHelp() {
        assertEquals(List.of("250-example.com Hello client.test", "250-SIZE 1000", "250-8BITMIME", "250-PIPELINING",
                "250-SMTPUTF8", "250-STARTTLS", "250 HELP"), session.command("EHLO client.test").reply().lines());
    }

    @Test
    void ehloOverTlsNoLongerOffersStartTls() {
        session.tlsStarted(TLS);
        assertFalse(session.command("EHLO client.test").reply().lines().contains("250-STARTTLS"));
    }

    /** HELP names the commands the session takes now, as EHLO does: STARTTLS in the clear only. */
    @Test
    void helpNamesStartTlsOnlyWhileItIsOffered() {
        assertTrue(session.command("HELP").reply().lines().get(0).endsWith(" QUIT STARTTLS"));
        session.tlsStarted(TLS);
        assertTrue(session.command("HELP").reply().lines().get(0).endsWith(" QUIT"));
        assertTrue(session(false, false).command("HELP").reply().lines().get(0).endsWith(" QUIT"));
    }

    @Test
    void aServerWithoutTlsNeitherOffersNorKnowsStartTls() {
        SmtpSession plain = session(false, false);
        assertFalse(plain.command("EHLO client.test").reply().lines().contains("250-STARTTLS"));
        assertEquals("502 Command not implemented", plain.command("STARTTLS").reply().toString());
    }

    @Test
    void startTlsAnswers220AndAsksTheConnectionToStartTls() {
        assertEquals(250, session.command("HELO client.test").reply().code());
        Step step = session.command("starttls");
        assertEquals("220 Ready to start TLS", step.reply().toString());
        assertEquals(Step.Next.START_TLS, step.next());
    }

    @Test
    void startTlsForgetsTheHeloNameAndTheTransaction() {
        assertEquals(250, session.command("EHLO client.test").reply().code());
        assertEquals("250 OK", reply("MAIL FROM:<sender@client.test>"));
        assertEquals("250 OK", reply("RCPT TO:<alice@example.com>"));
        assertEquals(Step.Next.START_TLS, session.command("STARTTLS").next());
        session.tlsStarted(TLS);

        assertEquals("503 Bad sequence of commands: send HELO or EHLO first", reply("MAIL FROM:<sender@client.test>"));
        assertEquals("503 Bad sequence of commands: need MAIL before RCPT", reply("RCPT TO:<alice@example.com>"));
        assertEquals(250, session.command("EHLO client.test").reply().code());
        assertEquals("250 OK", reply("MAIL FROM:<sender@client.test>"));
    }

    @Test
    void startTlsTakesNoParameters() {
        Step step = session.command("STARTTLS now");
        assertEquals("501 5.5.4 Syntax error (no parameters allowed)", step.reply().toString());
        assertEquals(Step.Next.COMMAND, step.next());
        assertNull(session.tls());
    }

    @Test
    void startTlsOverTlsIsABadSequenceAndStartsNoSecondHandshake() {
        session.tlsStarted(TLS);
        assertEquals(250, session.command("EHLO client.test").reply().code());
        Step step = session.command("STARTTLS");
        assertEquals("503 5.5.1 Bad sequence of commands: TLS already active", step.reply().toString());
        assertEquals(Step.Next.COMMAND, step.next());
        assertEquals("250 OK", reply("MAIL FROM:<sender@client.test>"), "the session went on as it was");
    }

    @Test
    void requireTlsRefusesMailInTheClearAndTakesItOverTls() {
        SmtpSession strict = session(true, true);
        assertEquals(250, strict.command("EHLO client.test").reply().code());
        assertEquals("530 5.7.0 Must issue a STARTTLS command first",
                strict.command("MAIL FROM:<sender@client.test>").reply().toString());
        assertEquals("250 OK", strict.command("NOOP").reply().toString(), "other commands are answered");
        assertEquals(Step.Next.START_TLS, strict.command("STARTTLS").next());
        strict.tlsStarted(TLS);
        assertEquals(250, strict.command("EHLO client.test").reply().code());
        assertEquals("250 OK", strict.command("MAIL FROM:<sender@client.test>").reply().toString());
    }

    @Test
    void tlsCannotBeRequiredOfAServerWithout() {
        assertThrows(IllegalArgumentException.class, () -> session(false, true));
        assertFalse(new SmtpConfig("example.com", 1000, 100, false).startTls());
    }
}
