package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** SMTP AUTH (RFC 4954) in the session state machine, without a socket. */
class SmtpAuthTest {

    /** Users with passwords (but carol), found ignoring case, a bare name in example.com. */
    private static final class Accounts implements MessageStore {
        final Map<String, String> passwords = Map.of("alice@example.com", "s3cret", "bob@example.com", "pass word");

        @Override
        public String findUser(String address) {
            String full = address.contains("@") ? address : address + "@example.com";
            return List.of("alice@example.com", "bob@example.com", "carol@example.com").stream()
                    .filter(u -> u.equalsIgnoreCase(full)).findFirst().orElse(null);
        }

        @Override
        public String passwordOf(String user) {
            return passwords.get(user);
        }

        @Override
        public Pending append(Envelope envelope, byte[] data, int length) {
            return List::of;
        }
    }

    private static final TlsInfo TLS = new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "");

    private SmtpSession session(AuthMode mode, boolean required, boolean allowInsecure) {
        AuthPolicy policy = AuthPolicy.of(mode, required, allowInsecure);
        SmtpSession session = new SmtpSession(new SmtpConfig("example.com", 1000, 100, false, policy), new Accounts(), "Q");
        assertEquals(250, session.command("EHLO client.test").reply().code());
        return session;
    }

    /** A session in the clear that allows AUTH there, as the tests over sockets run. */
    private SmtpSession users() {
        return session(AuthMode.USERS, false, true);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    private static String decode(Reply challenge) {
        assertEquals(334, challenge.code(), challenge.toString());
        return new String(Base64.getDecoder().decode(challenge.texts().get(0)), StandardCharsets.UTF_8);
    }

    private static String text(Step step) {
        return step.reply().toString();
    }

    /** HELP names AUTH where EHLO offers it: over TLS, or in the clear with --allow-insecure-auth. */
    @Test
    void helpNamesAuthWhereItIsOffered() {
        assertTrue(users().command("HELP").reply().lines().get(0).endsWith(" QUIT AUTH"));
        SmtpSession clear = session(AuthMode.ANY, false, false);
        assertTrue(clear.command("HELP").reply().lines().get(0).endsWith(" QUIT"), "not in the clear");
        clear.tlsStarted(TLS);
        assertTrue(clear.command("HELP").reply().lines().get(0).endsWith(" QUIT AUTH"));
        assertTrue(session(AuthMode.OFF, false, true).command("HELP").reply().lines().get(0).endsWith(" QUIT"));
    }

    @Test
    void ehloListsAuthOverTlsOnlyUnlessInsecureAuthIsAllowed() {
        SmtpSession clear = session(AuthMode.ANY, false, false);
        assertFalse(clear.command("EHLO client.test").reply().lines().contains("250-AUTH PLAIN LOGIN CRAM-MD5"));
        clear.tlsStarted(TLS);
        assertEquals(List.of("250-example.com Hello client.test", "250-SIZE 1000", "250-8BITMIME", "250-PIPELINING",
                "250-SMTPUTF8", "250-AUTH PLAIN LOGIN CRAM-MD5", "250 HELP"), clear.command("EHLO client.test").reply().lines());
        assertTrue(users().command("EHLO client.test").reply().lines().contains("250-AUTH PLAIN LOGIN CRAM-MD5"));
        SmtpSession off = session(AuthMode.OFF, false, true);
        off.tlsStarted(TLS);
        assertTrue(off.command("EHLO client.test").reply().lines().stream().noneMatch(l -> l.contains("AUTH")));
    }

    @Test
    void authInTheClearWithoutInsecureAuthGets538UntilTlsHasStarted() {
        SmtpSession session = session(AuthMode.USERS, false, false);
        assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
                text(session.command("AUTH PLAIN " + plain("alice@example.com", "s3cret"))));
        assertNull(session.auth());
        session.tlsStarted(TLS);
        session.command("EHLO client.test");
        assertEquals("235 2.7.0 Authentication successful", text(session.command("AUTH PLAIN " + plain("alice@example.com", "s3cret"))));
    }

    @Test
    void plainWithAnInitialResponseAuthenticatesAndRecordsMechanismAndUser() {
        SmtpSession session = users();
        Step step = session.command("AUTH PLAIN " + plain("ALICE@example.com", "s3cret"));
        assertEquals("235 2.7.0 Authentication successful", text(step));
        assertEquals(Duration.ZERO, step.delay());
        assertEquals(new AuthInfo("PLAIN", "alice@example.com"), step.authenticated(), "as the users file spells it");
        assertEquals(step.authenticated(), session.auth());
    }

    @Test
    void plainWithoutAnInitialResponseAsksWithAnEmptyChallenge() {
        SmtpSession session = users();
        Step challenge = session.command("auth plain");
        assertEquals("334 ", text(challenge));
        assertEquals(Step.Next.AUTH_RESPONSE, challenge.next());
        assertEquals(235, session.command(plain("bob", "pass word")).reply().code());
        assertEquals(new AuthInfo("PLAIN", "bob@example.com"), session.auth());
    }

    @Test
    void loginAsksForUserAndPasswordThenAuthenticates() {
        SmtpSession session = users();
        Step user = session.command("AUTH LOGIN");
        assertEquals("Username:", decode(user.reply()));
        assertEquals(Step.Next.AUTH_RESPONSE, user.next());
        assertEquals("Password:", decode(session.command(base64("alice@example.com")).reply()));
        Step done = session.command(base64("s3cret"));
        assertEquals(new AuthInfo("LOGIN", "alice@example.com"), done.authenticated());
        assertEquals(Step.Next.COMMAND, done.next());
    }

    @Test
    void loginTakesTheUserAsItsInitialResponse() {
        SmtpSession session = users();
        assertEquals("Password:", decode(session.command("AUTH LOGIN " + base64("alice")).reply()));
        assertEquals(235, session.command(base64("s3cret")).reply().code());
        assertEquals(new AuthInfo("LOGIN", "alice@example.com"), session.auth());
    }

    @Test
    void cramMd5ChecksTheDigestOfItsChallengeKeyedByThePassword() {
        SmtpSession session = users();
        String challenge = decode(session.command("AUTH CRAM-MD5").reply());
        assertTrue(challenge.matches("<\\d+\\.\\d+@example\\.com>"), challenge);
        String digest = new String(AuthExchange.hmacMd5Hex("s3cret", challenge.getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII);
        assertEquals(235, session.command(base64("alice@example.com " + digest)).reply().code());
        assertEquals(new AuthInfo("CRAM-MD5", "alice@example.com"), session.auth());

        SmtpSession other = users();
        String otherChallenge = decode(other.command("AUTH CRAM-MD5").reply());
        assertFalse(otherChallenge.equals(challenge), "a challenge is never used twice");
        assertEquals("535 5.7.8 Authentication credentials invalid",
                text(other.command(base64("alice@example.com " + digest))), "a digest of another challenge");
    }

    @Test
    void hmacMd5IsRfc2195sExample() {
        // RFC 2195 section 2: tim, tanstaaftanstaaf.
        assertEquals("b913a602c7eda7a495b4e6e7334d3890", new String(AuthExchange.hmacMd5Hex("tanstaaftanstaaf",
                "<1896.697170952@postoffice.reston.mci.net>".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII));
    }

    @Test
    void usersModeRefusesAWrongPasswordAnUnknownUserAndAUserWithoutPasswordAlike() {
        for (String credentials : List.of(plain("alice@example.com", "wrong"), plain("nobody@example.com", "s3cret"),
                plain("carol@example.com", ""), plain("alice@example.com", "S3CRET"), base64("alice@example.com\0alice@example.com\0wrong"))) {
            SmtpSession session = users();
            Step step = session.command("AUTH PLAIN " + credentials);
            assertEquals("535 5.7.8 Authentication credentials invalid", text(step));
            assertEquals(Duration.ofSeconds(1), step.delay(), "held back");
            assertTrue(step.authFailed());
            assertNull(step.authenticated());
            assertNull(session.auth());
        }
    }

    @Test
    void anyModeAcceptsEveryCredentialButAnEmptyUserName() {
        SmtpSession session = session(AuthMode.ANY, false, true);
        Step step = session.command("AUTH PLAIN " + plain("whoever", "whatever"));
        assertEquals(new AuthInfo("PLAIN", "whoever"), step.authenticated());
        assertEquals(535, session(AuthMode.ANY, false, true).command("AUTH PLAIN " + plain("", "x")).reply().code());
        SmtpSession cram = session(AuthMode.ANY, false, true);
        cram.command("AUTH CRAM-MD5");
        assertEquals(235, cram.command(base64("dev " + "0".repeat(32))).reply().code());
    }

    @Test
    void actingForAnotherUserIsRefused() {
        assertEquals(535, users().command("AUTH PLAIN " + base64("bob@example.com\0alice@example.com\0s3cret")).reply().code());
        assertEquals(235, users().command("AUTH PLAIN " + base64("alice@example.com\0alice@example.com\0s3cret")).reply().code());
    }

    @Test
    void failuresAreHeldBackLongerEachTimeAndTheThirdClosesTheSession() {
        SmtpSession session = users();
        Step first = session.command("AUTH PLAIN " + plain("alice", "one"));
        Step second = session.command("AUTH PLAIN " + plain("alice", "two"));
        Step third = session.command("AUTH PLAIN " + plain("alice", "three"));
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
                List.of(first.delay(), second.delay(), third.delay()));
        assertEquals(List.of(Step.Next.COMMAND, Step.Next.COMMAND, Step.Next.CLOSE),
                List.of(first.next(), second.next(), third.next()));
        assertTrue(third.authFailed());
        assertEquals("421 4.7.0 example.com Too many failed authentication attempts, closing transmission channel", text(third));
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(8)),
                List.of(AuthPolicy.of(AuthMode.ANY, false, false).delayAfter(1), AuthPolicy.of(AuthMode.ANY, false, false).delayAfter(4)));
    }

    @Test
    void starCancelsTheExchangeWith501AndAuthMayBeginAgain() {
        SmtpSession session = users();
        session.command("AUTH LOGIN");
        assertEquals("501 5.0.0 Authentication cancelled", text(session.command("*")));
        assertEquals(250, session.command("NOOP").reply().code(), "the next line is a command again");
        assertEquals(334, session.command("AUTH LOGIN").reply().code());
        session.command(base64("alice"));
        assertEquals(235, session.command(base64("s3cret")).reply().code());
    }

    @Test
    void badBase64Gets501AndEndsTheExchangeWithoutCountingAsAFailure() {
        SmtpSession session = users();
        Step bad = session.command("AUTH PLAIN not*base64");
        assertEquals("501 5.5.2 Cannot decode response", text(bad));
        assertTrue(bad.delay().isZero(), "answered at once");
        session.command("AUTH LOGIN");
        assertEquals("501 5.5.2 Cannot decode response", text(session.command("dXNlcg== trailing")));
        assertEquals(250, session.command("NOOP").reply().code());
        session.command("AUTH PLAIN");
        assertEquals("501 5.5.2 Cannot decode response", text(session.command(base64("no NUL in here"))));
        session.command("AUTH CRAM-MD5");
        assertEquals("501 5.5.2 Cannot decode response", text(session.command(base64("alice short-digest"))));
        session.command("AUTH LOGIN");
        assertEquals("501 5.5.2 Cannot decode response", text(session.command(Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0xC3, 0x28}))), "not UTF-8");
        // None of these counted as a failure: a wrong password now is held back as a first failure is.
        Step firstFailure = users().command("AUTH PLAIN " + plain("alice", "wrong"));
        assertFalse(firstFailure.delay().isZero());
        Step wrong = session.command("AUTH PLAIN " + plain("alice", "wrong"));
        assertEquals(535, wrong.reply().code());
        assertEquals(firstFailure.delay(), wrong.delay());
        assertEquals(firstFailure.next(), wrong.next());
        assertEquals(235, session.command("AUTH PLAIN " + plain("alice", "s3cret")).reply().code());
    }

    @Test
    void authCommandsOutOfPlaceGetTheirReplies() {
        assertEquals("502 5.5.1 Authentication is not offered by this server",
                text(session(AuthMode.OFF, false, true).command("AUTH PLAIN " + plain("a", "b"))));
        SmtpSession fresh = new SmtpSession(new SmtpConfig("example.com", 1000, 100, false,
                AuthPolicy.of(AuthMode.ANY, false, true)), new Accounts(), "Q");
        assertEquals("503 5.5.1 Bad sequence of commands: send EHLO first", text(fresh.command("AUTH PLAIN")));
        SmtpSession session = users();
        assertEquals("504 5.5.4 Unrecognized authentication type", text(session.command("AUTH DIGEST-MD5")));
        assertEquals("501 5.5.4 Syntax: AUTH mechanism [initial-response]", text(session.command("AUTH")));
        assertEquals("501 5.5.4 Syntax: AUTH mechanism [initial-response]", text(session.command("AUTH PLAIN a b")));
        assertEquals("501 5.5.4 CRAM-MD5 takes no initial response", text(session.command("AUTH CRAM-MD5 " + base64("x"))));
        assertEquals(250, session.command("MAIL FROM:<a@client.test>").reply().code());
        assertEquals("503 5.5.1 Bad sequence of commands: AUTH is not permitted during a mail transaction",
                text(session.command("AUTH PLAIN " + plain("alice", "s3cret"))));
        session.command("RSET");
        assertEquals(235, session.command("AUTH PLAIN " + plain("alice", "s3cret")).reply().code());
        assertEquals("503 5.5.1 Bad sequence of commands: already authenticated",
                text(session.command("AUTH PLAIN " + plain("bob", "pass word"))));
        session.command("RSET");
        session.command("EHLO again.test");
        assertEquals(new AuthInfo("PLAIN", "alice@example.com"), session.auth(), "RSET and EHLO keep the authentication");
    }

    @Test
    void anEmptyInitialResponseIsWrittenAsAnEqualsSign() {
        SmtpSession session = session(AuthMode.ANY, false, true);
        assertEquals("Password:", decode(session.command("AUTH LOGIN =").reply()), "an empty user name, then the password");
        assertEquals(535, session.command(base64("x")).reply().code());
    }

    @Test
    void requiredAuthRefusesMailUntilTheClientHasAuthenticated() {
        SmtpSession session = session(AuthMode.USERS, true, true);
        assertEquals("530 5.7.0 Authentication required", text(session.command("MAIL FROM:<a@client.test>")));
        assertEquals(250, session.command("NOOP").reply().code());
        session.command("AUTH PLAIN " + plain("alice", "s3cret"));
        assertEquals(250, session.command("MAIL FROM:<a@client.test>").reply().code());
        assertThrows(IllegalArgumentException.class, () -> AuthPolicy.of(AuthMode.OFF, true, false));
    }

    @Test
    void aResponseOverTheLineLimitEndsTheExchangeAndNothingElse() {
        SmtpSession session = users();
        assertEquals("500 Line too long", session.lineTooLong().toString());
        session.command("AUTH LOGIN");
        assertEquals("500 5.5.6 Authentication Exchange line is too long", session.lineTooLong().toString());
        assertEquals(250, session.command("NOOP").reply().code(), "a command again");
        assertEquals(250, session.command("MAIL FROM:<a@client.test>").reply().code());
    }

    @Test
    void tlsStartingForgetsAnAuthenticationMadeBeforeIt() {
        SmtpSession session = users();
        assertEquals(235, session.command("AUTH PLAIN " + plain("alice", "s3cret")).reply().code());
        assertNotNull(session.auth());
        session.tlsStarted(TLS);
        assertNull(session.auth());
    }

    @Test
    void secretsAreShownMaskedAndEverythingElseAsItIs() {
        SmtpSession session = users();
        assertEquals("AUTH PLAIN ****", session.shown("AUTH PLAIN " + plain("alice", "s3cret")));
        assertEquals("AUTH PLAIN ****", session.shown("auth  plain\t" + plain("alice", "s3cret")));
        assertEquals("AUTH LOGIN", session.shown("auth login"));
        assertEquals("AUTH CRAM-MD5", session.shown("AUTH CRAM-MD5"));
        assertEquals("AUTH ****", session.shown("AUTH " + plain("alice", "s3cret")), "a secret where the mechanism belongs");
        assertEquals("AUTH ****", session.shown(" AUTH\t" + plain("alice", "s3cret")));
        for (String line : List.of("AUTH", "MAIL FROM:<a@x>", "AUTHORIZE me", "NOOP AUTH PLAIN x")) {
            assertEquals(line, session.shown(line));
        }
        session.command("AUTH LOGIN");
        assertEquals("****", session.shown(base64("alice")));
        assertEquals("****", session.shown("QUIT"), "whatever the client sends, it is the response");
        session.command(base64("alice"));
        assertEquals("****", session.shown(base64("s3cret")));
        session.command(base64("s3cret"));
        assertEquals("NOOP", session.shown("NOOP"));
    }
}
