package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.smtp.RuleSet;
import org.smtpmonitor.smtp.RuleStatus;
import org.smtpmonitor.smtp.RulesException;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** The rules file at start ({@code --rules}) and the window's side of the rules: text, switches, save. */
class ScriptedFailuresTest {

    @TempDir
    Path directory;

    private Path users() throws IOException {
        return Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
    }

    private StartupException startWith(Path rules) throws IOException {
        Path users = users();
        return assertThrows(StartupException.class,
                () -> Monitor.start(users, TestMonitor.settings(directory).withRulesFile(rules), new EventBus()).close());
    }

    @Test
    void aRulesFileThatDoesNotParseStopsTheStartNamingFileLineAndReason() throws Exception {
        Path rules = Files.writeString(directory.resolve("rules.txt"), "[a]\non = mail\ndealy = 10\n");
        StartupException e = startWith(rules);
        assertEquals(StartupException.Kind.RULES_FILE, e.kind());
        assertTrue(e.getMessage().startsWith(rules + ":3: unknown key \"dealy\""), e.getMessage());
        assertTrue(Files.notExists(directory.resolve("alice@example.com.txt")), "nothing was started");
    }

    @Test
    void aMissingOrUnreadableRulesFileIsAStartupErrorToo() throws Exception {
        Path missing = directory.resolve("missing.txt");
        assertEquals(missing + ": no such file", startWith(missing).getMessage());
        assertEquals(directory + ": is a directory, not a rules file", startWith(directory).getMessage());
        Path latin1 = Files.write(directory.resolve("latin1.txt"), new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        assertEquals(latin1 + ": not UTF-8 text", startWith(latin1).getMessage());
    }

    @Test
    void whatARulesFileQuotesIsEscaped() throws Exception {
        Path rules = Files.writeString(directory.resolve("rules.txt"), "[a]\non \u001b[2J mail\n");
        assertEquals(rules + ":2: expected \"key = value\" or \"[name]\", found \"on \\x1b[2J mail\"",
                startWith(rules).getMessage());
    }

    @Test
    void switchedAndAppliedRulesAreSavedWholeToTheRulesFile() throws Exception {
        String text = "# mine\n[a]\non = rcpt\nreply = 452 4.5.3 no\n\n[b]\non = data-end\ndelay = 10\nenabled = no\n";
        Path file = Files.writeString(directory.resolve("rules.txt"), text);
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory).withRulesFile(file))) {
            ScriptedFailures rules = monitor.monitor().rules();
            assertEquals(file, rules.file());
            assertEquals(text, rules.text());
            assertEquals(List.of("a: rcpt: reply 452 (on, 0)", "b: data-end: delay 10 ms (off, 0)"), describe(rules));
            rules.setEnabled("a", false);
            rules.setEnabled("b", true);
            rules.save();
            String saved = Files.readString(file);
            assertEquals("# mine\n[a]\nenabled = no\non = rcpt\nreply = 452 4.5.3 no\n\n[b]\non = data-end\ndelay = 10\n"
                    + "enabled = yes\n", saved);
            assertEquals(saved, rules.text());
            RuleSet again = RuleSet.parse(saved, "rules.txt");
            assertFalse(again.named("a").enabled());
            assertTrue(again.named("b").enabled());

            rules.apply("[c]\non = connect\nreply = 554 5.3.2 Not today\n");
            try (RawSmtpClient client = RawSmtpClient.connect(monitor.address())) {
                assertEquals("554 5.3.2 Not today", client.readReply());
            }
            assertEquals(List.of("c: connect: reply 554 (on, 1)"), describe(rules));
            assertEquals(saved, Files.readString(file), "apply does not write the file");
            rules.save();
            assertEquals("[c]\non = connect\nreply = 554 5.3.2 Not today\n", Files.readString(file));
            try (Stream<Path> files = Files.list(directory)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
            }
        }
    }

    private static List<String> describe(ScriptedFailures rules) {
        return rules.statuses().stream().map(s -> s.name() + ": " + s.summary() + " (" + (s.enabled() ? "on" : "off")
                + ", " + s.applied() + ")").toList();
    }

    @Test
    void withoutARulesFileThereAreNoRulesAndSavingAsksForAFile() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            ScriptedFailures rules = monitor.monitor().rules();
            assertNull(rules.file());
            assertEquals(List.<RuleStatus>of(), rules.statuses());
            assertEquals("", rules.text());
            IOException e = assertThrows(IOException.class, rules::save);
            assertEquals("there is no rules file to save to: start with --rules FILE", e.getMessage());
            RulesException bad = assertThrows(RulesException.class, () -> rules.apply("[x]\non = nowhere\n"));
            assertEquals("rules:2: unknown step \"nowhere\" for on (connect, helo, mail, rcpt, data, data-end or"
                    + " command)", bad.getMessage());
            rules.apply("[x]\non = helo\ndelay = 1\n");
            Path file = directory.resolve("new-rules.txt");
            rules.saveTo(file);
            assertEquals(file, rules.file());
            assertEquals("[x]\non = helo\ndelay = 1\n", Files.readString(file));
        }
    }
}
