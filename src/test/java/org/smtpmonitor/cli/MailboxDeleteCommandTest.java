package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MailboxRequests;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * {@code smtp-monitor mailbox delete|clear}, with no server on the directory (the command
 * line rewrites the files itself) and with one (it asks the server, which does), and
 * {@code mailbox export ADDRESS}, a whole mailbox as mbox.
 */
class MailboxDeleteCommandTest {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";

    @TempDir
    Path directory;

    private CommandRun mailbox(String... args) {
        List<String> all = new ArrayList<>(List.of("mailbox"));
        all.addAll(List.of(args));
        all.addAll(List.of("--mailbox-dir", directory.toString()));
        return CommandRun.run("", all.toArray(String[]::new));
    }

    private static String message(int n) {
        return "From: Sender <s" + n + "@client.test>\r\nSubject: message " + n + "\r\n\r\nbody " + n
                + "\r\nFrom the start of a line\r\n.a dot\r\n";
    }

    /** Sends messages 1 to {@code count} to alice (the second also to bob); returns alice's ids, oldest first. */
    private static List<Long> deliver(TestMonitor monitor, int count) throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            for (int n = 1; n <= count; n++) {
                List<String> to = n == 2 ? List.of(ALICE, BOB) : List.of(ALICE);
                String dotStuffed = message(n).replace("\r\n.", "\r\n..");
                assertTrue(client.sendMessage("s" + n + "@client.test", to, dotStuffed).startsWith("250 "));
            }
        }
        monitor.monitor().store().awaitIndexed();
        return ids(monitor, ALICE);
    }

    private static List<Long> ids(TestMonitor monitor, String address) throws Exception {
        List<Long> ids = new ArrayList<>();
        monitor.monitor().mail().messages(address, 0, 100).forEach(m -> ids.add(0, m.id()));
        return ids;
    }

    private List<Long> shown(String address) {
        CommandRun shown = mailbox("show", address, "--json");
        assertEquals(0, shown.exit(), shown.err());
        List<Long> ids = new ArrayList<>();
        Pattern.compile("\"id\":(\\d+)").matcher(shown.out()).results()
                .forEach(r -> ids.add(0, Long.parseLong(r.group(1))));
        return ids;
    }

    private String exported(long id) throws Exception {
        Path file = directory.resolve("export-" + id + ".eml");
        CommandRun export = mailbox("export", String.valueOf(id), "-o", file.toString());
        assertEquals(0, export.exit(), export.err());
        return Files.readString(file);
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void withNoServerTheCommandLineDeletesAndClearsItselfAndARestartFindsTheRest(MailboxFormat format)
            throws Exception {
        List<Long> ids;
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format))) {
            ids = deliver(monitor, 3);
        }

        CommandRun delete = mailbox("delete", String.valueOf(ids.get(0)), "999999", String.valueOf(ids.get(2)));
        assertEquals(1, delete.exit(), "an id that is not there: " + delete.err());
        assertEquals("Deleted 2 messages.\n", delete.outLines());
        assertTrue(delete.err().contains("message 999999: no such message"), delete.err());
        assertEquals(List.of(ids.get(1)), shown(ALICE));
        assertEquals(message(2), exported(ids.get(1)), "the kept message, byte for byte where the index says");

        CommandRun clear = mailbox("clear", "BOB@example.com");
        assertEquals(0, clear.exit(), clear.err());
        assertEquals("Deleted 1 message from bob@example.com.\n", clear.outLines());
        assertEquals(List.of(), shown(BOB));

        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format))) {
            monitor.monitor().store().awaitIndexed();
            assertEquals(List.of(ids.get(1)), ids(monitor, ALICE), "the kept message keeps its id");
            assertEquals(List.of(), monitor.events().all().stream().filter(ServerError.class::isInstance).toList(),
                    "nothing found torn or repaired");
            // And the mailbox takes mail after it.
            List<Long> now = deliver(monitor, 1);
            assertEquals(2, now.size());
            assertEquals(message(1), exported(now.get(1)));
        }
    }

    @Test
    void withAServerRunningTheCommandLineAsksItAndTheServerDeletes() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            List<Long> ids = deliver(monitor, 3);
            List<Set<String>> changes = new CopyOnWriteArrayList<>();
            monitor.monitor().onMailChanged(changes::add);

            CommandRun delete = mailbox("delete", String.valueOf(ids.get(1)));
            assertEquals(0, delete.exit(), delete.err());
            assertEquals("Deleted 1 message.\n", delete.outLines());
            assertEquals(List.of(ids.get(0), ids.get(2)), ids(monitor, ALICE), "the server's own view");
            assertEquals(1, ids(monitor, BOB).size(), "bob's copy of message 2 is a message of its own");
            assertTrue(changes.contains(Set.of(ALICE)), "the window is told: " + changes);

            CommandRun clear = mailbox("clear", ALICE);
            assertEquals("Deleted 2 messages from alice@example.com.\n", clear.outLines());
            assertEquals(0, Files.size(monitor.mailbox(ALICE)));
            assertEquals(List.of(), monitor.events().all().stream().filter(ServerError.class::isInstance).toList());
        }
    }

    @Test
    void requestsLeftByACommandLineThatDiedAreNeverRunLateOrTwice() throws Exception {
        List<Long> ids;
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            ids = deliver(monitor, 3);
        }
        long stale;
        long interrupted;
        long fresh;
        try (MessageIndex index = MessageIndex.open(directory)) {
            MailboxRequests requests = new MailboxRequests(index);
            stale = requests.ask(MailboxRequests.Kind.DELETE, String.valueOf(ids.get(0)));
            interrupted = requests.ask(MailboxRequests.Kind.CLEAR, ALICE);
            fresh = requests.ask(MailboxRequests.Kind.DELETE, String.valueOf(ids.get(2)));
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve(".smtp-monitor/index.db"));
             Statement sql = db.createStatement()) {
            // Asked two minutes ago, by a command line that gave up or died: never to be run now.
            sql.executeUpdate("UPDATE request SET created = created - 120000 WHERE id = " + stale);
            // Taken by a server that was killed while it ran it.
            sql.executeUpdate("UPDATE request SET state = 'running' WHERE id = " + interrupted);
        }

        try (TestMonitor monitor = TestMonitor.start(directory);
             MessageIndex index = MessageIndex.open(directory)) {
            MailboxRequests requests = new MailboxRequests(index);
            Await.until("the server has carried out the fresh request", Duration.ofSeconds(10),
                    () -> requests.request(fresh).orElseThrow().state() == MailboxRequests.State.DONE);
            assertEquals(1, requests.request(fresh).orElseThrow().result());
            assertEquals(MailboxRequests.State.EXPIRED, requests.request(stale).orElseThrow().state());
            MailboxRequests.Request failed = requests.request(interrupted).orElseThrow();
            assertEquals(MailboxRequests.State.FAILED, failed.state());
            assertTrue(failed.error().contains("stopped"), failed.error());
            assertEquals(List.of(ids.get(0), ids.get(1)), ids(monitor, ALICE), "only the fresh request was run");
        }
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            monitor.monitor().store().awaitIndexed();
            assertEquals(List.of(ids.get(0), ids.get(1)), ids(monitor, ALICE), "and nothing is run again at a restart");
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void exportOfAnAddressWritesTheWholeMailboxAsMboxOldestFirst(MailboxFormat format) throws Exception {
        List<Long> ids;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, format))) {
            ids = deliver(monitor, 4);
            monitor.monitor().mail().delete(List.of(ids.get(1)));
            for (long id : List.of(ids.get(0), ids.get(2), ids.get(3))) {
                var m = monitor.monitor().mail().message(id).orElseThrow();
                ByteArrayOutputStream eml = new ByteArrayOutputStream();
                monitor.monitor().mail().export(id, eml);
                MailboxFormat.MBOX.write(m.envelopeFrom(), m.received(), eml.toByteArray(), expected);
            }
        }
        Path out = directory.resolve("alice.mbox");
        CommandRun export = mailbox("export", "Alice@Example.com", "-o", out.toString());
        assertEquals(0, export.exit(), export.err());
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(out));

        Python.assumeInstalled();
        String read = Python.run(directory, String.join("\n",
                "import mailbox, sys",
                "for m in mailbox.mbox(sys.argv[1]):",
                "    print(m.get_from().split(' ')[0], '|', m['Subject'], '|', 'From the start' in m.get_payload())"),
                out.toString());
        assertEquals("s1@client.test | message 1 | True\ns3@client.test | message 3 | True\n"
                + "s4@client.test | message 4 | True", read.strip().replace("\r", ""));
        assertEquals(1, mailbox("export", "nobody@example.com").exit(), "no such mailbox");
    }
}
