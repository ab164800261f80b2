package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The headless server with {@code --catch-all}, its users file edited while it runs: the
 * console says what each edit did, and for one that does not parse names the file, the
 * line and the reason.
 */
class HeadlessUsersFileTest {

    @TempDir
    Path directory;

    @Test
    void theConsoleTellsEachEditAndABadOneByFileLineAndReason() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        Path mail = directory.resolve("mail");
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", mail.toString(),
                "--catch-all")) {
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
                client.command("EHLO client.test");
                assertTrue(client.sendMessage("s@client.test", List.of("anyone@any.test"), "hi\r\n").startsWith("250 "));
            }
            server.awaitLine(Pattern.compile(".* New mailbox anyone@any\\.test$"));
            assertEquals("hi\r\n", Files.readString(mail.resolve("anyone@any.test.txt")));

            Files.writeString(users, "alice@example.com\nbad\u202e@example.com\n");
            server.awaitLine(Pattern.compile(".* Users file not applied, the previous list kept: "
                    + Pattern.quote(users + ":2: 'bad\\u202e@example.com' holds an invisible formatting character"
                    + " (such as a bidi mark) at U+202E") + "$"));

            Files.writeString(users, "alice@example.com\nerin@example.com\n");
            // The mailbox is made (and told) as the list is applied, before the file's event.
            server.awaitLine(Pattern.compile(".* New mailbox erin@example\\.com$"));
            server.awaitLine(Pattern.compile(".* Users file " + Pattern.quote(users.toString())
                    + " read again: added erin@example\\.com$"));
            assertTrue(Files.isRegularFile(mail.resolve("erin@example.com.txt")));
            assertTrue(server.isAlive());
        }
    }
}
