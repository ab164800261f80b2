package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;


/**
 * {@code smtp-monitor mailbox list|show|search|export} against mail a real server took
 * over real sockets, before and after the server restarts, and after its index is deleted.
 */
class MailboxCommandTest {

    private static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;

    private static CommandRun run(String... args) {
        return CommandRun.run("", args);
    }

    private CommandRun mailbox(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "mailbox";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--mailbox-dir";
        all[args.length + 2] = directory.toString();
        return run(all);
    }

    private static String message(String subject, String body) {
        return "From: Sender <sender@client.test>\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\n\r\n"
                + body + "\r\nFrom the start of a line\r\n.dot\r\n";
    }

    /** Sends {@code messages} to alice (the second also to bob), then waits until they are indexed. */
    private static void deliver(TestMonitor monitor, String... messages) throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            for (int i = 0; i < messages.length; i++) {
                List<String> to = i == 1 ? List.of(ALICE, "bob@example.com") : List.of(ALICE);
                String dotStuffed = messages[i].replace("\r\n.", "\r\n..");
                assertTrue(client.sendMessage("s" + i + "@client.test", to, dotStuffed).startsWith("250 "));
            }
        }
        monitor.monitor().store().awaitIndexed();
    }

    private static List<Long> ids(String json) {
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(json);
        return m.results().map(r -> Long.parseLong(r.group(1))).toList();
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void storedMailIsListedShownSearchedAndExportedAndKeepsItsIdsAcrossARestart(MailboxFormat format) throws Exception {
        String first = message("Invoice 42", "Please pay the invoice.");
        String second = message("Lunch on Friday", "Résumé attached, see you at noon.");
        List<Long> before;
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format))) {
            deliver(monitor, first, second);
            CommandRun shown = mailbox("show", ALICE, "--json");
            assertEquals(0, shown.exit(), shown.err());
            before = ids(shown.out());
            assertEquals(2, before.size(), shown.out());
            assertTrue(before.get(0) > before.get(1), "newest first: " + shown.out());
            assertTrue(shown.out().contains("\"subject\":\"Lunch on Friday\"") && shown.out().contains(
                    "\"envelopeFrom\":\"s1@client.test\",\"envelopeTo\":[\"alice@example.com\",\"bob@example.com\"]"),
                    shown.out());
        }

        // A new server on the same directory: the same messages, with the same ids.
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format))) {
            CommandRun shown = mailbox("show", ALICE, "--json");
            assertEquals(before, ids(shown.out()));

            CommandRun list = mailbox("list", "--json");
            assertTrue(list.out().contains("{\"address\":\"alice@example.com\",\"messages\":2,\"bytes\":"
                    + Files.size(monitor.mailbox(ALICE)) + "}"), list.out());
            assertTrue(list.out().contains("{\"address\":\"bob@example.com\",\"messages\":1,"), list.out());
            assertTrue(list.out().contains("{\"address\":\"carol@localhost\",\"messages\":0,\"bytes\":0}"), list.out());

            assertEquals(List.of(before.get(1)), ids(mailbox("search", "invoice", "--json").out()));
            assertEquals(List.of(before.get(0)), ids(mailbox("search", "resume NOON", "--mailbox", ALICE, "--json").out()),
                    "body words, any case, diacritics folded");
            assertEquals(2, ids(mailbox("search", "lunch", "--json").out()).size(), "alice's copy and bob's");
            assertEquals(List.of(), ids(mailbox("search", "invoice", "--mailbox", "bob@example.com", "--json").out()));

            Path eml = directory.resolve("second.eml");
            CommandRun export = mailbox("export", String.valueOf(before.get(0)), "-o", eml.toString());
            assertEquals(0, export.exit(), export.err());
            assertArrayEquals(second.getBytes(StandardCharsets.ISO_8859_1), Files.readAllBytes(eml),
                    "the exact bytes as sent, without mbox framing");
        }
    }

    @Test
    void aDeletedIndexIsRebuiltFromTheFilesAndARawTailWithoutAJournalIsCountedNotGuessed() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.MBOX))) {
            deliver(monitor, message("one", "a"), message("two", "b"), message("three", "c"));
        }
        Files.delete(directory.resolve(".smtp-monitor/index.db"));
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.MBOX))) {
            monitor.monitor().store().awaitIndexed();
            CommandRun shown = mailbox("show", ALICE, "--json");
            assertEquals(3, ids(shown.out()).size(), shown.out());
            assertTrue(shown.out().contains("\"envelopeFrom\":\"s2@client.test\"") && shown.out()
                    .contains("\"subject\":\"three\""), shown.out());
        }

        // Raw: the boundaries come back from the append journal...
        Path raw = Files.createDirectory(directory.resolve("raw"));
        Files.writeString(raw.resolve("users.txt"), TestMonitor.USERS);
        try (TestMonitor monitor = TestMonitor.start(raw, TestMonitor.settings(raw, MailboxFormat.RAW))) {
            deliver(monitor, message("one", "a"), message("two", "b"));
        }
        Files.delete(raw.resolve(".smtp-monitor/index.db"));
        try (TestMonitor monitor = TestMonitor.start(raw, TestMonitor.settings(raw, MailboxFormat.RAW))) {
            assertEquals(0, monitor.monitor().store().unindexedBytes(ALICE));
            monitor.monitor().store().awaitIndexed();
            CommandRun shown = run("mailbox", "show", ALICE, "--json", "--mailbox-dir", raw.toString());
            assertTrue(shown.out().contains("\"subject\":\"two\"") && ids(shown.out()).size() == 2, shown.out());
        }
        // ... and without it, what has no known boundaries is counted, never guessed.
        long size = Files.size(raw.resolve(ALICE + ".txt"));
        Files.delete(raw.resolve(".smtp-monitor/index.db"));
        Files.delete(raw.resolve(".smtp-monitor/" + ALICE + ".txt.tail"));
        try (TestMonitor monitor = TestMonitor.start(raw, TestMonitor.settings(raw, MailboxFormat.RAW))) {
            assertEquals(size, monitor.monitor().store().unindexedBytes(ALICE));
            deliver(monitor, message("three", "c"));
            CommandRun shown = run("mailbox", "show", ALICE, "--json", "--mailbox-dir", raw.toString());
            assertEquals(1, ids(shown.out()).size(), "only what has known boundaries: " + shown.out());
        }
    }

    @Test
    void problemsAreOneLineAndStatusOne() throws Exception {
        CommandRun noIndex = mailbox("list");
        assertEquals(1, noIndex.exit());
        assertTrue(noIndex.err().startsWith("smtp-monitor: ") && noIndex.err().contains("no message index"),
                noIndex.err());
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message("one", "a"));
        }
        CommandRun noMessage = mailbox("export", "999", "-o", directory.resolve("x.eml").toString());
        assertEquals(1, noMessage.exit());
        assertTrue(noMessage.err().contains("no such message"), noMessage.err());
        assertTrue(!Files.exists(directory.resolve("x.eml")), "nothing is written for a message that is not there");
        // An export that fails half way leaves the file it was to replace as it was, and no part of it.
        long id = ids(mailbox("show", ALICE, "--json").out()).get(0);
        Path mailboxFile = directory.resolve(ALICE + ".txt");
        try (var file = java.nio.channels.FileChannel.open(mailboxFile, java.nio.file.StandardOpenOption.WRITE)) {
            file.truncate(Files.size(mailboxFile) - 20);
        }
        Path kept = Files.writeString(directory.resolve("kept.eml"), "what the user had");
        CommandRun cutShort = mailbox("export", String.valueOf(id), "-o", kept.toString());
        assertEquals(1, cutShort.exit(), cutShort.out());
        assertTrue(cutShort.err().startsWith("smtp-monitor: "), cutShort.err());
        assertEquals("what the user had", Files.readString(kept));
        try (var files = Files.list(directory)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().matches(".+kept\\.eml.*|kept\\.eml.+")).toList(),
                    "no temporary file is left behind");
        }
        CommandRun noMailbox = mailbox("show", "nobody@example.com");
        assertEquals(1, noMailbox.exit());
        assertEquals(2, mailbox("show", ALICE, "--format", "zip").exit());
    }
}
