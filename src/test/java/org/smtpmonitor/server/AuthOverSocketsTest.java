package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * SMTP AUTH over real sockets, in the clear with insecure AUTH allowed: what the events
 * show of it (never a password), the failed AUTH's reply held back without holding up
 * anyone else, and bad input answered with the session going on.
 */
class AuthOverSocketsTest {

    static final String PASSWORD = "s3cret-Pa55 word";

    @TempDir
    Path directory;

    private TestMonitor monitor;

    private void start(AuthMode mode, boolean required, Duration firstFailureDelay) throws Exception {
        Files.writeString(directory.resolve("users.txt"), "alice@example.com " + PASSWORD + "\nbob@example.com\n");
        monitor = TestMonitor.start(directory, TestMonitor.settings(directory)
                .withAuth(new AuthPolicy(mode, required, true, firstFailureDelay, 3)));
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    private static String cramResponse(String user, String password, String challengeReply) throws Exception {
        byte[] challenge = Base64.getDecoder().decode(challengeReply.substring(4));
        Mac mac = Mac.getInstance("HmacMD5");
        mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
        return base64(user + " " + HexFormat.of().formatHex(mac.doFinal(challenge)));
    }

    private long sessionOf(RawSmtpClient client) throws InterruptedException {
        int port = client.socket().getLocalPort();
        return monitor.events().await(SessionOpened.class, e -> e.client().getPort() == port).sessionId();
    }

    /**
     * Fails if any event's text holds the password, or a word of it that decodes from base64
     * to something holding the password (a PLAIN blob, a LOGIN response).
     */
    static void assertNoPassword(List<String> texts, String password) {
        for (String text : texts) {
            assertFalse(text.contains(password), "the password in: " + text);
            for (String word : text.split("[\\s<>:]+")) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(word), StandardCharsets.UTF_8);
                    assertFalse(decoded.contains(password), "the password in base64 in: " + text);
                } catch (IllegalArgumentException notBase64) {
                    // Not base64: nothing hidden in it.
                }
            }
        }
    }

    private List<String> everyEventText() {
        List<String> texts = new ArrayList<>();
        for (SessionEvent event : monitor.events().all()) {
            texts.add(EventText.of(event));
            texts.add(event.toString());
        }
        return texts;
    }

    @Test
    void everyMechanismAuthenticatesAndTheEventsShowItMaskedNeverThePassword() throws Exception {
        start(AuthMode.USERS, false, Duration.ofMillis(10));
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("235 2.7.0 Authentication successful", client.command("AUTH PLAIN " + plain("alice@example.com", PASSWORD)));
            assertTrue(client.sendMessage("a@client.test", List.of("bob@example.com"), "x\r\n").startsWith("250 OK"));
            assertEquals("221 example.com Service closing transmission channel", client.command("QUIT"));
        }
        try (RawSmtpClient client = monitor.ehloClient()) {
            // All in one write: the server takes the lines after AUTH LOGIN as its responses, in order.
            client.send("AUTH LOGIN\r\n" + base64("alice@example.com") + "\r\n" + base64(PASSWORD) + "\r\nNOOP\r\n");
            assertEquals("334 " + base64("Username:"), client.readReply());
            assertEquals("334 " + base64("Password:"), client.readReply());
            assertEquals("235 2.7.0 Authentication successful", client.readReply());
            assertEquals("250 OK", client.readReply());
        }
        try (RawSmtpClient client = monitor.ehloClient()) {
            String challenge = client.command("AUTH CRAM-MD5");
            assertEquals("235 2.7.0 Authentication successful", client.command(cramResponse("alice@example.com", PASSWORD, challenge)));
        }
        try (RawSmtpClient client = monitor.ehloClient()) {
            client.command("AUTH LOGIN " + base64("alice@example.com"));
            assertEquals("535 5.7.8 Authentication credentials invalid", client.command(base64(PASSWORD + "!")));
        }
        monitor.events().awaitClosedSessions(4);

        List<SessionAuthenticated> authenticated = monitor.events().all().stream()
                .filter(SessionAuthenticated.class::isInstance).map(SessionAuthenticated.class::cast).toList();
        assertEquals(List.of("-- AUTH PLAIN alice@example.com", "-- AUTH LOGIN alice@example.com",
                "-- AUTH CRAM-MD5 alice@example.com"), authenticated.stream().map(EventText::of).toList());
        List<String> received = monitor.events().all().stream().filter(LineReceived.class::isInstance)
                .map(e -> ((LineReceived) e).text()).filter(t -> t.startsWith("AUTH") || t.equals("****")).toList();
        assertEquals(List.of("AUTH PLAIN ****", "AUTH LOGIN", "****", "****", "AUTH CRAM-MD5", "****", "AUTH LOGIN ****",
                "****"), received);
        assertNoPassword(everyEventText(), PASSWORD);
    }

    @Test
    void aFailedAuthIsAnsweredLaterWhileTheOtherSessionsAreServed() throws Exception {
        // Long enough that the other sessions' few commands are surely answered within it.
        start(AuthMode.USERS, false, Duration.ofSeconds(3));
        try (RawSmtpClient failing = monitor.ehloClient()) {
            long failingSession = sessionOf(failing);
            // The NOOP after it waits its turn: replies keep the order of the commands.
            failing.send("AUTH PLAIN " + plain("alice@example.com", "wrong") + "\r\nNOOP\r\n");
            // One more session than there are event loops: at least one shares the failing session's loop.
            int others = Math.min(4, Runtime.getRuntime().availableProcessors()) + 1;
            for (int i = 0; i < others; i++) {
                try (RawSmtpClient other = monitor.ehloClient()) {
                    assertEquals("250 OK", other.command("NOOP"));
                    other.command("QUIT");
                }
            }
            assertEquals("535 5.7.8 Authentication credentials invalid", failing.readReply());
            assertEquals("250 OK", failing.readReply());
            List<SessionEvent> events = monitor.events().all();
            int lastGoodbye = -1;
            int failure = -1;
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) instanceof ReplySent reply) {
                    if (reply.text().startsWith("221 ")) {
                        lastGoodbye = i;
                    } else if (reply.sessionId() == failingSession && reply.text().startsWith("535 ")) {
                        failure = i;
                    }
                }
            }
            assertTrue(lastGoodbye >= 0 && lastGoodbye < failure, "the others were served while the 535 waited: "
                    + events.stream().filter(ReplySent.class::isInstance).map(e -> "[" + EventText.sessionOf(e) + "] "
                    + ((ReplySent) e).text()).toList());
        }
    }

    @Test
    void theLastFailureAllowedClosesTheSessionWith421AndTheServerGoesOn() throws Exception {
        start(AuthMode.ANY, false, Duration.ofMillis(1));
        try (RawSmtpClient client = monitor.ehloClient()) {
            long session = sessionOf(client);
            for (int i = 0; i < 2; i++) {
                assertEquals("535 5.7.8 Authentication credentials invalid", client.command("AUTH PLAIN " + plain("", "x")));
            }
            assertEquals("421 4.7.0 example.com Too many failed authentication attempts, closing transmission channel",
                    client.command("AUTH PLAIN " + plain("", "x")));
            client.assertClosedByServer();
            assertEquals(SessionClosed.Reason.AUTH_FAILURES,
                    monitor.events().await(SessionClosed.class, e -> e.sessionId() == session).reason());
            assertEquals("Closed (too many failed AUTH attempts)",
                    EventText.of(monitor.events().await(SessionClosed.class, e -> e.sessionId() == session)));
        }
        try (RawSmtpClient next = monitor.ehloClient()) {
            assertEquals(235, next.readCodeOf("AUTH PLAIN " + plain("dev", "x")));
        }
    }

    @Test
    void badInputGetsItsReplyAndTheSessionGoesOnToDeliver() throws Exception {
        start(AuthMode.USERS, true, Duration.ofMillis(10));
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("530 5.7.0 Authentication required", client.command("MAIL FROM:<a@client.test>"));
            assertEquals("501 5.5.2 Cannot decode response", client.command("AUTH PLAIN %%%not-base64%%%"));
            assertEquals("500 Line too long", client.command("AUTH PLAIN " + "QUFB".repeat(2000)));
            assertEquals(334, client.readCodeOf("AUTH LOGIN"));
            assertEquals("500 5.5.6 Authentication Exchange line is too long", client.command("QUFB".repeat(5000)));
            assertEquals("250 OK", client.command("NOOP"));
            assertEquals(334, client.readCodeOf("AUTH LOGIN"));
            assertEquals("501 5.0.0 Authentication cancelled", client.command("*"));
            assertEquals(334, client.readCodeOf("AUTH PLAIN"));
            assertEquals("501 5.5.2 Cannot decode response", client.command("not base64 at all"));
            assertEquals("504 5.5.4 Unrecognized authentication type", client.command("AUTH GSSAPI"));
            assertEquals("235 2.7.0 Authentication successful", client.command("AUTH PLAIN " + plain("alice@example.com", PASSWORD)));
            assertEquals("503 5.5.1 Bad sequence of commands: already authenticated", client.command("AUTH LOGIN"));
            assertTrue(client.sendMessage("a@client.test", List.of("alice@example.com"), "after all that\r\n")
                    .startsWith("250 OK: queued as "));
        }
        assertEquals("after all that\r\n", monitor.mailboxText("alice@example.com"));
        assertTrue(monitor.events().all().stream().anyMatch(e -> e instanceof LineReceived l
                && l.text().equals("<command line over " + ServerConfig.MAX_COMMAND_LINE + " bytes>")));
    }

    @Test
    void inTheClearAuthIsNeitherListedNorTakenUnlessInsecureAuthIsAllowed() throws Exception {
        Files.writeString(directory.resolve("users.txt"), "alice@example.com " + PASSWORD + "\n");
        monitor = TestMonitor.start(directory, TestMonitor.settings(directory).withAuth(AuthPolicy.of(AuthMode.ANY, false, false)));
        try (RawSmtpClient client = monitor.client()) {
            assertFalse(client.command("EHLO client.test").contains("AUTH"));
            assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
                    client.command("AUTH PLAIN " + plain("alice@example.com", PASSWORD)));
        }
    }

    /** A client that sends a wrong AUTH and QUIT, then closes its side, still gets the held-back 535 and the 221. */
    @Test
    void aClientThatLeavesAfterAWrongAuthStillGetsItsReplies() throws Exception {
        start(AuthMode.USERS, false, Duration.ofMillis(300));
        try (RawSmtpClient client = monitor.ehloClient()) {
            client.send("AUTH PLAIN " + plain("alice@example.com", "wrong") + "\r\nQUIT\r\n");
            client.shutdownOutput();
            String failed = client.readReply();
            assertTrue(failed.startsWith("535 5.7.8"), failed);
            String quit = client.readReply();
            assertTrue(quit.startsWith("221 "), quit);
            client.assertClosedByServer();
        }
    }
}
