package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SMTPUTF8 (RFC 6531) in the session state machine: UTF-8 addresses in MAIL and RCPT only, and only when asked for. */
class SmtpUtf8Test {

    private final List<Envelope> envelopes = new ArrayList<>();
    private final SmtpSession session = new SmtpSession(SmtpConfig.defaults("example.com"), new MessageStore() {
        @Override
        public String findUser(String address) {
            return List.of("j\u00f6rg@example.com", "alice@example.com").stream()
                    .filter(u -> u.equalsIgnoreCase(address)).findFirst().orElse(null);
        }

        @Override
        public Pending append(Envelope envelope, byte[] data, int length) {
            envelopes.add(envelope);
            return List::of;
        }
    }, "Q");

    private String reply(String line) {
        return session.command(line).reply().toString();
    }

    @Test
    void utf8SenderAndRecipientAreAcceptedWithSmtpUtf8AndKeptAsSent() {
        reply("EHLO client.test");
        assertEquals("250 OK", reply("MAIL FROM:<pel\u00e9@\u00e9xample.test> SMTPUTF8"));
        assertEquals("250 OK", reply("RCPT TO:<J\u00d6RG@example.com>"));
        assertEquals("250 OK", reply("RCPT TO:<alice@example.com>"));
        reply("DATA");
        byte[] message = "Subject: \u00e9\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(250, session.messageReceived(message, message.length).reply().code());
        assertEquals("pel\u00e9@\u00e9xample.test", envelopes.get(0).sender());
        assertEquals(List.of("j\u00f6rg@example.com", "alice@example.com"), envelopes.get(0).recipients());
    }

    @Test
    void utf8AddressWithoutSmtpUtf8Gets553() {
        reply("EHLO client.test");
        assertEquals("553 5.6.7 Non-ASCII addresses not permitted for that sender without SMTPUTF8",
                reply("MAIL FROM:<pel\u00e9@example.test>"));
        assertEquals("250 OK", reply("MAIL FROM:<a@example.test> BODY=8BITMIME"));
        assertEquals("553 5.6.7 Non-ASCII addresses not permitted for that recipient without SMTPUTF8",
                reply("RCPT TO:<j\u00f6rg@example.com>"));
        assertEquals("250 OK", reply("RCPT TO:<alice@example.com>"));
        reply("RSET");
        assertEquals("250 OK", reply("MAIL FROM:<a@example.test> smtputf8 BODY=8BITMIME"));
        assertEquals("250 OK", reply("RCPT TO:<j\u00f6rg@example.com>"));
        reply("RSET");
        assertEquals("250 OK", reply("MAIL FROM:<a@example.test>"));
        assertEquals("553 5.6.7 Non-ASCII addresses not permitted for that recipient without SMTPUTF8",
                reply("RCPT TO:<j\u00f6rg@example.com>"), "SMTPUTF8 lasts one transaction");
    }

    @Test
    void smtpUtf8TakesNoValue() {
        reply("EHLO client.test");
        assertEquals("501 Syntax error in parameters or arguments", reply("MAIL FROM:<a@example.test> SMTPUTF8=yes"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EHLO cli\u00e9nt.test", "NOOP \u00e9", "VRFY j\u00f6rg", "\u00c9HLO client.test",
        "MAIL FROM:<a@b.c> SMTPUTF8 \ufffd", "MAIL FROM:<\ufffd@example.test> SMTPUTF8", "RCPT TO:<a\u0085b@example.com>",
        "MAIL FROM:<a\u009bb@example.test> SMTPUTF8"})
    void utf8OutsideAddressesAndMalformedOrControlCharactersAreNotCommands(String line) {
        reply("EHLO client.test");
        assertEquals("500 Syntax error, command unrecognized", reply(line));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a\u202eb@example.test", "a\u200bb@example.test", "a\u2028b@example.test",
        "a\u00a0b@example.test", "a\ue000b@example.test", "a\ud800b@example.test", "a\uffffb@example.test"})
    void addressCharactersThatHideOrMisleadAreRefused(String address) {
        reply("EHLO client.test");
        assertEquals("501 Syntax error in sender address", reply("MAIL FROM:<" + address + "> SMTPUTF8"));
    }

    @Test
    void supplementaryCharactersAreWhole() {
        reply("EHLO client.test");
        assertEquals("250 OK", reply("MAIL FROM:<\ud83d\udce7@example.test> SMTPUTF8"));
    }
}
