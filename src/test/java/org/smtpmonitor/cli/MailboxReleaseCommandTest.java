package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.StoredMessages;
import org.smtpmonitor.testing.TestMonitor;

/**
 * {@code smtp-monitor mailbox release}: a stored message sent on to a second monitor over
 * real sockets, its transcript and outcome printed, and its exit status; TLS with AUTH
 * without the password shown; refusals; and bad command lines.
 */
class MailboxReleaseCommandTest {

    private static final String ALICE = "alice@example.com";
    private static final String PASSWORD = "cli-s3cret";

    @TempDir
    Path directory;

    private Path source() {
        return directory.resolve("source");
    }

    private TestMonitor start(String name) throws Exception {
        Path where = Files.createDirectories(directory.resolve(name));
        return TestMonitor.start(where, TestMonitor.settings(where, MailboxFormat.MBOX));
    }

    private CommandRun release(String... args) {
        List<String> all = new ArrayList<>(List.of("mailbox", "release"));
        all.addAll(List.of(args));
        all.addAll(List.of("--mailbox-dir", source().toString()));
        return CommandRun.run("", all.toArray(String[]::new));
    }

    @Test
    void releasePrintsTheConversationAndExitsZeroWhenDelivered() throws Exception {
        try (TestMonitor source = start("source"); TestMonitor target = start("target")) {
            long id = StoredMessages.deliver(source, "sender@client.test", List.of(ALICE), StoredMessages.TRICKY);

            CommandRun run = release(Long.toString(id), "--host", "127.0.0.1", "--port", Integer.toString(target.port()));

            assertEquals(0, run.exit(), run.out() + run.err());
            List<String> lines = run.outLines().lines().toList();
            assertTrue(lines.get(0).startsWith("-- connecting to 127.0.0.1:"), run.out());
            assertTrue(lines.contains("C: <message data, " + StoredMessages.TRICKY.length + " bytes>"), run.out());
            assertTrue(lines.get(lines.size() - 1).matches("released: 250 .*\\(1 recipient\\)"), run.out());
            assertArrayEquals(StoredMessages.TRICKY,
                    StoredMessages.exported(target, StoredMessages.newest(target, ALICE).id()));
        }
    }

    @Test
    void releaseOverStartTlsWithAuthToAnotherRecipientNeverPrintsThePassword() throws Exception {
        Path tlsDirectory = Files.createDirectories(directory.resolve("tls"));
        try (TestMonitor source = start("source");
             TestMonitor target = TestMonitor.start(tlsDirectory, TestMonitor.settingsWithTlsPort(tlsDirectory)
                     .withAuth(AuthPolicy.of(AuthMode.ANY, false, false)))) {
            long id = StoredMessages.deliver(source, "sender@client.test", List.of(ALICE), StoredMessages.TRICKY);

            CommandRun run = release(Long.toString(id), "--host", "127.0.0.1", "--port",
                    Integer.toString(target.port()), "--starttls", "--insecure", "--auth", "cli-user:" + PASSWORD,
                    "--to", "bob@example.com");

            assertEquals(0, run.exit(), run.out() + run.err());
            assertTrue(run.out().contains("\n-- TLS 1."), run.out());
            assertTrue(run.out().contains("\nC: AUTH "), run.out());
            assertFalse((run.out() + run.err()).contains(PASSWORD));
            assertArrayEquals(StoredMessages.TRICKY,
                    StoredMessages.exported(target, StoredMessages.newest(target, "bob@example.com").id()));
        }
    }

    @Test
    void aRefusedRecipientOrNoSuchMessageExitsOne() throws Exception {
        try (TestMonitor source = start("source"); TestMonitor target = start("target")) {
            long id = StoredMessages.deliver(source, "sender@client.test", List.of(ALICE), StoredMessages.TRICKY);
            String port = Integer.toString(target.port());

            CommandRun refused = release(Long.toString(id), "--host", "127.0.0.1", "--port", port,
                    "--to", ALICE, "--to", "nobody@example.com");
            assertEquals(1, refused.exit(), refused.out() + refused.err());
            assertTrue(refused.out().contains("not released: delivered to 1 of 2 recipients"), refused.out());
            assertTrue(refused.out().contains("nobody@example.com: 550 Address unknown"), refused.out());

            CommandRun missing = release(Long.toString(id + 100), "--host", "127.0.0.1", "--port", port);
            assertEquals(1, missing.exit());
            assertTrue(missing.err().contains("message " + (id + 100) + ": no such message"), missing.err());
        }
    }

    @Test
    void aBadCommandLineExitsTwoAndSendsNothing() throws Exception {
        try (TestMonitor source = start("source"); TestMonitor target = start("target")) {
            long id = StoredMessages.deliver(source, "sender@client.test", List.of(ALICE), StoredMessages.TRICKY);
            String ids = Long.toString(id);
            String port = Integer.toString(target.port());
            List<List<String>> bad = List.of(
                    List.of(ids, "--port", port),
                    List.of("one", "--host", "127.0.0.1", "--port", port),
                    List.of(ids, "--host", "127.0.0.1", "--port", "70000"),
                    List.of(ids, "--host", "127.0.0.1", "--port", port, "--starttls", "--tls"),
                    List.of(ids, "--host", "127.0.0.1", "--port", port, "--insecure"),
                    List.of(ids, "--host", "127.0.0.1", "--port", port, "--auth", "no-colon"),
                    List.of(ids, "--host", "127.0.0.1", "--port", port, "--to", "not an address"));
            for (List<String> args : bad) {
                CommandRun run = release(args.toArray(String[]::new));
                assertEquals(2, run.exit(), args + ": " + run.out() + run.err());
                assertFalse(run.err().isBlank(), args.toString());
            }
            assertEquals(0, StoredMessages.count(target, ALICE));
        }
    }
}
