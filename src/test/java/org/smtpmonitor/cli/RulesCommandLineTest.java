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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.RuleApplied;

/** {@code --rules FILE} on the command line, and the rules applied in the headless log. */
class RulesCommandLineTest {

    @TempDir
    Path directory;

    @Test
    void aBadRulesFileExitsOneWithFileLineAndReason() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        Path rules = Files.writeString(directory.resolve("rules.txt"), "# x\n[a]\non = rcpt\nreply = 600 No\n");
        CommandRun run = CommandRun.run("", users.toString(), "--headless", "--port", "0", "--mailbox-dir",
                directory.toString(), "--rules", rules.toString());
        assertEquals(1, run.exit());
        assertEquals("smtp-monitor: " + rules + ":4: reply code 600 is not between 200 and 599", run.err().strip());
        assertTrue(Files.notExists(directory.resolve("alice@example.com.txt")), "nothing was started");
    }

    @Test
    void theHeadlessLogShowsEachRuleApplied() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleLog(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(List.of(
                new RuleApplied(7, "rcpt-452", "reply 452", Instant.now())));
        String line = bytes.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.endsWith(" [7] -- rule \"rcpt-452\" applied: reply 452"), line);
    }
}
