package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The client's side of AUTH, line by line, against the RFCs' own examples. */
class AuthExchangeTest {

    private static final Credentials TIM = new Credentials("tim", "tanstaaftanstaaf");

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cramMd5AnswersTheChallengeOfRfc2195WithItsDigest() throws Exception {
        AuthExchange exchange = new AuthExchange(AuthMechanism.CRAM_MD5, TIM);
        assertEquals("AUTH CRAM-MD5", exchange.command());
        // RFC 2195 section 2: the challenge, and the response the RFC gives for it.
        assertEquals("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
                exchange.respond("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"));
        assertThrows(SmtpProtocolException.class, () -> exchange.respond("bW9yZQ=="), "the mechanism has one step");
    }

    @Test
    void plainSendsItsMessageAtOnceAndShowsItMasked() {
        AuthExchange exchange = new AuthExchange(AuthMechanism.PLAIN, new Credentials("alice", "p:w"));
        assertEquals("AUTH PLAIN " + base64("\0alice\0p:w"), exchange.command());
        assertEquals("AUTH PLAIN ****", exchange.shownCommand());
        assertThrows(SmtpProtocolException.class, () -> exchange.respond(""));
    }

    @Test
    void loginAnswersItsTwoChallengesByTheirOrderWhateverTheyAsk() throws Exception {
        AuthExchange exchange = new AuthExchange(AuthMechanism.LOGIN, TIM);
        assertEquals("AUTH LOGIN", exchange.shownCommand());
        assertEquals(base64("tim"), exchange.respond(base64("User Name\0")));
        assertEquals(base64("tanstaaftanstaaf"), exchange.respond(base64("anything")));
        assertThrows(SmtpProtocolException.class, () -> exchange.respond(base64("Password:")));
    }

    @Test
    void anEmptyPasswordIsAKeyForCramMd5Too() throws Exception {
        String response = new String(Base64.getDecoder().decode(
                new AuthExchange(AuthMechanism.CRAM_MD5, new Credentials("tim", "")).respond(base64("<1@x>"))),
                StandardCharsets.US_ASCII);
        assertTrue(response.matches("tim [0-9a-f]{32}"), response);
    }

    @Test
    void aChallengeThatIsNotBase64IsAProtocolError() {
        AuthExchange exchange = new AuthExchange(AuthMechanism.CRAM_MD5, TIM);
        assertThrows(SmtpProtocolException.class, () -> exchange.respond("not base64!"));
    }

    @Test
    void credentialsSplitAtTheFirstColonAndNeverShowThePassword() {
        Credentials credentials = Credentials.parse("alice@example.com:pa:ss");
        assertEquals("alice@example.com", credentials.user());
        assertEquals("pa:ss", credentials.password());
        assertEquals("alice@example.com:****", credentials.toString());
        assertFalse(credentials.toString().contains("pa:ss"));
        IllegalArgumentException noColon = assertThrows(IllegalArgumentException.class, () -> Credentials.parse("secret"));
        assertFalse(noColon.getMessage().contains("secret"), noColon.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Credentials.parse(":pw"));
        assertThrows(IllegalArgumentException.class, () -> Credentials.parse("a:b\r\nRSET"));
    }

    @Test
    void theServersMechanismsArePreferredCramMd5ThenPlainThenLogin() {
        assertEquals(AuthMechanism.CRAM_MD5, AuthMechanism.preferred(List.of("LOGIN", "PLAIN", "CRAM-MD5")));
        assertEquals(AuthMechanism.PLAIN, AuthMechanism.preferred(List.of("LOGIN", "PLAIN", "XOAUTH2")));
        assertEquals(AuthMechanism.LOGIN, AuthMechanism.preferred(List.of("LOGIN")));
        assertNull(AuthMechanism.preferred(List.of("GSSAPI")));
        assertEquals(AuthMechanism.CRAM_MD5, AuthMechanism.named("cram-md5"));
        assertThrows(IllegalArgumentException.class, () -> AuthMechanism.named("NTLM"));
    }

    @Test
    void ehloExtensionsReadAuthInBothItsForms() {
        EhloExtensions modern = EhloExtensions.of(new SmtpReply(250,
                List.of("250-example.com hello", "250-PIPELINING", "250-auth plain login", "250 STARTTLS")));
        assertEquals(List.of("PLAIN", "LOGIN"), modern.parametersOf("AUTH"));
        assertTrue(modern.has("STARTTLS"));
        assertEquals("PIPELINING, AUTH, STARTTLS", modern.keywords());
        EhloExtensions old = EhloExtensions.of(new SmtpReply(250, List.of("250-hi", "250 AUTH=LOGIN CRAM-MD5")));
        assertEquals(List.of("LOGIN", "CRAM-MD5"), old.parametersOf("AUTH"));
        assertEquals(List.of(), EhloExtensions.of(new SmtpReply(250, List.of("250 hi"))).parametersOf("AUTH"));
    }
}
