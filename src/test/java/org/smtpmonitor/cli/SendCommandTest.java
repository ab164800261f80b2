package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.ScriptedSmtpServer;
import org.smtpmonitor.testing.TestMonitor;

/** {@code smtp-monitor send} against the real server on an ephemeral port. */
class SendCommandTest {

    @TempDir
    Path directory;
    private TestMonitor server;

    @BeforeEach
    void start() throws Exception {
        server = TestMonitor.start(directory);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CommandRun send(String... args) {
        List<String> all = new ArrayList<>(List.of("send", "--port", String.valueOf(server.port())));
        all.addAll(List.of(args));
        return CommandRun.run("", all.toArray(String[]::new));
    }

    private MimeMessage delivered(String address) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(server.mailboxBytes(address)));
    }

    @Test
    void controlCharactersInAHostileServersRepliesArePrintedEscaped() throws Exception {
        String[] message = {"--from", "me@example.org", "--to", "alice@example.com", "--body", "hi"};
        try (ScriptedSmtpServer accepting = ScriptedSmtpServer.start("220 evil",
                Map.of("RCPT", "250 ok \u001b]0;pwned\u0007", ".", "250 queued \u009b2J\r\u202eforged"))) {
            CommandRun run = CommandRun.run("", concat(List.of("send", "--port", String.valueOf(accepting.port())), message));
            assertEquals(0, run.exit(), run.err());
            assertEquals("alice@example.com: accepted: 250 ok \\x1b]0;pwned\\x07\nsent: 250 queued \\x9b2J\\x0d\\u202eforged\n",
                    run.outLines());
        }
        try (ScriptedSmtpServer refusing = ScriptedSmtpServer.start("220 evil", Map.of("RCPT", "550 no \u001b[2J"))) {
            CommandRun run = CommandRun.run("", concat(List.of("send", "--port", String.valueOf(refusing.port())), message));
            assertEquals(1, run.exit());
            assertEquals("alice@example.com: refused: 550 no \\x1b[2J\n", run.outLines());
            assertTrue(run.err().contains("(550 no \\x1b[2J)"), run.err());
            assertTrue(run.err().chars().noneMatch(c -> c == 0x1b), run.err());
        }
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    @Test
    void aMessageToAKnownUserIsDeliveredAndExitsZero() throws Exception {
        CommandRun run = send("--from", "me@example.org", "--to", "alice@example.com", "--subject", "hello",
                "--body", "Hi Alice!\n.a line with a dot\n");
        assertEquals(0, run.exit(), run.err());
        String[] lines = run.outLines().split("\n");
        assertEquals("alice@example.com: accepted: 250 OK", lines[0]);
        assertTrue(lines[1].startsWith("sent: 250 OK: queued as "), lines[1]);
        assertEquals("", run.err());

        String mailbox = new String(server.mailboxBytes("alice@example.com"), StandardCharsets.UTF_8);
        assertTrue(mailbox.matches("(?s)Date: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n"
                + "From: me@example.org\r\nTo: alice@example.com\r\nSubject: hello\r\nMessage-ID: <[^>]+@example.org>\r\n"
                + "\r\nHi Alice!\r\n.a line with a dot\r\n"), mailbox);
        MimeMessage message = delivered("alice@example.com");
        assertEquals("hello", message.getSubject());
        assertTrue(message.getSentDate() != null);
    }

    @Test
    void anUnknownUserIsRefusedNoDataIsSentAndTheExitSaysWhy() throws Exception {
        CommandRun run = send("--from", "me@example.org", "--to", "nobody@example.com", "--body", "x");
        assertEquals(1, run.exit());
        assertEquals("nobody@example.com: refused: 550 Address unknown\n", run.outLines());
        assertEquals("smtp-monitor send: no recipient was accepted, so the message was not sent:"
                + " nobody@example.com (550 Address unknown)", run.err().strip());
        server.events().awaitClosedSessions(1);
        assertArrayEquals(new byte[0], server.mailboxBytes("alice@example.com"));
    }

    @Test
    void aKnownAndAnUnknownUserDeliversToTheKnownOneAndExitsOne() throws Exception {
        CommandRun run = send("--from", "me@example.org", "--to", "alice@example.com", "--to", "nobody@example.com",
                "--to", "bob@example.com", "--body", "to some");
        assertEquals(1, run.exit());
        String[] lines = run.outLines().split("\n");
        assertEquals("alice@example.com: accepted: 250 OK", lines[0]);
        assertEquals("nobody@example.com: refused: 550 Address unknown", lines[1]);
        assertEquals("bob@example.com: accepted: 250 OK", lines[2]);
        assertTrue(lines[3].startsWith("sent: 250 OK: queued as "), lines[3]);
        assertEquals("smtp-monitor send: not sent to 1 of 3 recipients: nobody@example.com (550 Address unknown)",
                run.err().strip());
        assertEquals("to some\r\n", delivered("alice@example.com").getContent());
        assertArrayEquals(server.mailboxBytes("alice@example.com"), server.mailboxBytes("bob@example.com"));
    }

    @Test
    void aNonAsciiMessageArrivesAsUtf8WithItsSubjectEncoded() throws Exception {
        CommandRun run = send("--from", "me@example.org", "--to", "bob@example.com", "--subject", "Grüße ☃",
                "--body", "Liebe Grüße\r\nzweite Zeile");
        assertEquals(0, run.exit(), run.err());
        MimeMessage message = delivered("bob@example.com");
        assertEquals("Grüße ☃", message.getSubject());
        assertEquals("Liebe Grüße\r\nzweite Zeile\r\n", message.getContent());
        assertEquals("8bit", message.getEncoding());
    }

    @Test
    void aBodyFileHasItsLineEndingsMadeCrlf() throws Exception {
        Path body = directory.resolve("body.txt");
        Files.write(body, "unix\nmac\rdos\r\n.dot\n".getBytes(StandardCharsets.US_ASCII));
        CommandRun run = send("--from", "me@example.org", "--to", "bob@example.com", "--body-file", body.toString());
        assertEquals(0, run.exit(), run.err());
        String mailbox = new String(server.mailboxBytes("bob@example.com"), StandardCharsets.US_ASCII);
        assertTrue(mailbox.endsWith("\r\n\r\nunix\r\nmac\r\ndos\r\n.dot\r\n"), mailbox);
    }

    @Test
    void aBodyFileThatIsNotUtf8IsRefusedBeforeConnecting() throws Exception {
        Path body = directory.resolve("latin1.txt");
        Files.write(body, "Gr\u00fc\u00dfe".getBytes(StandardCharsets.ISO_8859_1));
        CommandRun run = send("--from", "me@example.org", "--to", "bob@example.com", "--body-file", body.toString());
        assertEquals(2, run.exit());
        assertEquals("smtp-monitor send: --body-file: " + body + ": not UTF-8 text", run.err().strip());
    }

    @Test
    void aBadAddressIsABadCommandLine() {
        CommandRun run = send("--from", "me", "--to", "bob@example.com");
        assertEquals(2, run.exit());
        assertEquals("smtp-monitor send: 'me' is not an address: it needs the form local@domain", run.err().strip());
    }

    @Test
    void bodyAndBodyFileTogetherAreRefused() {
        CommandRun run = send("--from", "me@example.org", "--to", "bob@example.com", "--body", "x", "--body-file", "y");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("mutually exclusive"), run.err());
    }

    @Test
    void aConnectionRefusedIsOneLineAndExitOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CommandRun run = CommandRun.run("", "send", "--port", String.valueOf(port), "--from", "me@example.org",
                "--to", "bob@example.com");
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals("smtp-monitor send: cannot connect to 127.0.0.1:" + port
                + ": connection refused (is an SMTP server listening there?)", run.err().strip());
    }
}
