package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/** The headless log shows each warning about a client as a line of its session. */
class ClientWarningConsoleTest {

    @TempDir
    Path directory;

    @Test
    void theHeadlessLogShowsTheWarningsOfAMisbehavingClient() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", directory.toString());
             RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
            assertEquals(250, client.readCodeOf("EHLO my_host"));
            String reply = client.sendMessage("a@client.test", List.of("alice@example.com"), "Subject: hi\r\n\r\nunix\nline\r\n");
            assertTrue(reply.startsWith("250 OK: queued as "), reply);
            client.command("QUIT");
            server.awaitLine(Pattern.compile(".* \\[1\\] C: EHLO my_host"));
            server.awaitLine(Pattern.compile(".* \\[1\\] -- warning: EHLO name \"my_host\" is neither a domain nor an"
                    + " address literal \\(RFC 5321 4\\.1\\.1\\.1, .*\\)"));
            server.awaitLine(Pattern.compile(".* \\[1\\] C: \\."));
            server.awaitLine(Pattern.compile(".* \\[1\\] -- warning: bare LF in the message data \\(RFC 5321 2\\.3\\.8.*\\)"));
            server.awaitLine(Pattern.compile(".* \\[1\\] -- warning: the message has no Date, no From, no Message-ID"
                    + " header field \\(RFC 5322 3\\.6.*\\)"));
            server.awaitLine(Pattern.compile(".* \\[1\\] S: 250 OK: queued as .*"));
        }
    }

    @Test
    void aWarningsTextIsEscapedInTheLog() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleLog(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(List.of(
                new ClientWarning(4, "bad-helo-name", "HELO name \"a\u001b[2Jb\u202e\" is odd", Instant.now())));
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(line.endsWith(" [4] -- warning: HELO name \"a\\x1b[2Jb\\u202e\" is odd" + System.lineSeparator()), line);
    }
}
