package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Mailboxes on a disk that fills up, mailboxes that are links or append-only, and the
 * longest addresses, as a client sees them: a 250 only for mail that is whole on disk,
 * a 451 otherwise, and a mailbox that never keeps part of a refused message.
 */
class MailboxFaultsOverSmtpTest {

    private static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;

    private static String message(String subject, int bodyBytes) {
        StringBuilder text = new StringBuilder("Subject: " + subject + "\r\n\r\n");
        String line = "x".repeat(76) + "\r\n";
        while (text.length() < bodyBytes) {
            text.append(line);
        }
        return text.toString();
    }

    /** Mounts a tmpfs of {@code kilobytes} at {@code mountPoint}; the test is skipped where that is not allowed. */
    private static void mountTmpfs(Path mountPoint, int kilobytes) throws Exception {
        Files.createDirectories(mountPoint);
        boolean mounted;
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs",
                    mountPoint.toString()).redirectErrorStream(true).start();
            mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        } catch (IOException e) {
            mounted = false;
        }
        assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
    }

    private static void unmount(Path mountPoint) throws Exception {
        new ProcessBuilder("umount", mountPoint.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void aMessageThatDoesNotFitOnTheDiskGets451AndLeavesNoPartOfItBehind(MailboxFormat format) throws Exception {
        Path mail = directory.resolve("mail");
        mountTmpfs(mail, 2048);
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(mail, format, 4 << 20, 10,
                Duration.ofMinutes(1), false));
             RawSmtpClient client = monitor.ehloClient()) {
            Path mailbox = monitor.monitor().store().mailboxFile(ALICE);
            String first = message("first", 600_000);
            assertTrue(client.sendMessage("a@client.test", List.of(ALICE), first).startsWith("250 "));
            byte[] before = Files.readAllBytes(mailbox);

            String reply = client.sendMessage("a@client.test", List.of(ALICE), message("too big", 1_600_000));
            assertTrue(reply.startsWith("451 "), reply);
            assertArrayEquals(before, Files.readAllBytes(mailbox), "the file ends where it ended before");
            ServerError error = monitor.events().await(ServerError.class, e -> true);
            assertTrue(error.message().contains("No space left on device"), error.message());

            // The session goes on, and the next message that fits is a message of its own.
            String last = message("last", 1000);
            assertTrue(client.sendMessage("a@client.test", List.of(ALICE), last).startsWith("250 "));
            if (format == MailboxFormat.RAW) {
                assertEquals(first + last, Files.readString(mailbox, StandardCharsets.ISO_8859_1));
            } else {
                Python.assumeInstalled();
                String subjects = Python.run(directory, String.join("\n",
                        "import mailbox, sys",
                        "print([m['Subject'] for m in mailbox.mbox(sys.argv[1])])"), mailbox.toString());
                assertEquals("['first', 'last']", subjects.strip());
            }
        } finally {
            unmount(mail);
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void aDeleteWhoseNewFileDoesNotFitOnTheDiskLeavesMailboxAndIndexAsTheyWereAndNoTemporaryFile(MailboxFormat format)
            throws Exception {
        Path mail = directory.resolve("mail");
        mountTmpfs(mail, 2048);
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(mail, format, 4 << 20, 10,
                Duration.ofMinutes(1), false));
             RawSmtpClient client = monitor.ehloClient()) {
            Path mailbox = monitor.monitor().store().mailboxFile(ALICE);
            for (String subject : List.of("small", "big one", "big two")) {
                String text = message(subject, subject.startsWith("big") ? 600_000 : 1000);
                assertTrue(client.sendMessage("a@client.test", List.of(ALICE), text).startsWith("250 "));
            }
            monitor.monitor().store().awaitIndexed();
            var mailDirectory = monitor.monitor().mail();
            var before = mailDirectory.messages(ALICE, 0, 10);
            byte[] bytes = Files.readAllBytes(mailbox);

            // The new file would hold 1.2 MB; less than that is free.
            IOException e = assertThrows(IOException.class,
                    () -> mailDirectory.delete(List.of(before.get(before.size() - 1).id())));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertArrayEquals(bytes, Files.readAllBytes(mailbox));
            assertEquals(before, mailDirectory.messages(ALICE, 0, 10));
            try (var files = Files.list(mail)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".rewrite")).toList());
            }
            assertTrue(client.sendMessage("a@client.test", List.of(ALICE), message("after", 1000)).startsWith("250 "),
                    "the mailbox takes mail as before");
        } finally {
            unmount(mail);
        }
    }

    @Test
    void aMailboxReplacedByALinkGets451AndNothingIsWrittenThroughIt() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory);
             RawSmtpClient client = monitor.ehloClient()) {
            Path mailbox = monitor.mailbox(ALICE);
            assertTrue(client.sendMessage("a@client.test", List.of(ALICE), "Subject: one\r\n\r\nkept\r\n").startsWith("250 "));
            Path other = Files.writeString(directory.resolve("other.txt"), "someone else's file\n");
            Files.delete(mailbox);
            Files.createSymbolicLink(mailbox, other);

            String reply = client.sendMessage("a@client.test", List.of(ALICE), "Subject: two\r\n\r\nlost\r\n");
            assertEquals("451 Requested action aborted: local error in processing", reply);
            assertEquals("someone else's file\n", Files.readString(other));
            ServerError error = monitor.events().await(ServerError.class, e -> true);
            assertTrue(error.message().contains("symbolic link"), error.message());
            assertEquals("250 OK", client.command("NOOP").substring(0, 6));
        }
    }

    @Test
    void aDanglingLinkGets451AndNoFileIsMadeOutsideTheMailboxDirectory() throws Exception {
        Path mail = Files.createDirectory(directory.resolve("mail"));
        Path outside = Files.createDirectory(directory.resolve("outside"));
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(mail, MailboxFormat.RAW, 1 << 20,
                10, Duration.ofMinutes(1), false));
             RawSmtpClient client = monitor.ehloClient()) {
            Path mailbox = monitor.monitor().store().mailboxFile(ALICE);
            Files.delete(mailbox);
            Files.createSymbolicLink(mailbox, outside.resolve("planted.txt"));

            String reply = client.sendMessage("a@client.test", List.of(ALICE), "Subject: x\r\n\r\nx\r\n");
            assertEquals("451 Requested action aborted: local error in processing", reply);
            assertFalse(Files.exists(outside.resolve("planted.txt")), "a file was made outside the mailbox directory");
        }
    }

    @Test
    void anAppendOnlyMailboxTakesMail() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory);
             RawSmtpClient client = monitor.ehloClient()) {
            Path mailbox = monitor.mailbox(ALICE);
            Files.writeString(mailbox, "Subject: old\r\n\r\nold\r\n");
            assumeTrue(chattr("+a", mailbox), "chattr +a is not possible here (needs root and ext4 or the like)");
            try {
                assertTrue(client.sendMessage("a@client.test", List.of(ALICE), "Subject: new\r\n\r\nnew\r\n")
                        .startsWith("250 "));
                assertEquals("Subject: old\r\n\r\nold\r\nSubject: new\r\n\r\nnew\r\n", Files.readString(mailbox));
            } finally {
                chattr("-a", mailbox);
            }
        }
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            Process chattr = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            return chattr.waitFor(10, TimeUnit.SECONDS) && chattr.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theLongestAddressAllowedGetsAMailbox() throws Exception {
        String address = "l".repeat(64) + "@" + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "."
                + "d".repeat(61);
        Files.writeString(directory.resolve("users.txt"), address + "\n");
        Path mail = directory.resolve("mail");
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(mail, MailboxFormat.RAW, 1 << 20,
                10, Duration.ofMinutes(1), false));
             RawSmtpClient client = monitor.client()) {
            assertTrue(client.command("HELO client.test").startsWith("250"));
            assertTrue(client.sendMessage("a@client.test", List.of(address), "Subject: x\r\n\r\nx\r\n").startsWith("250 "));
            assertEquals("Subject: x\r\n\r\nx\r\n", Files.readString(monitor.monitor().store().mailboxFile(address)));
        }
    }

    @Test
    void aMessageCutShortBeforeTheStartIsReportedMovedAsideAndTheNextMessageStartsCleanly() throws Exception {
        String whole = "From a@b.c Mon Jan  1 00:00:00 2024\nSubject: whole\n\nbody\n\n";
        String torn = "From a@b.c Mon Jan  1 00:00:01 2024\nSubject: torn\n\nhalf of a li";
        Files.writeString(directory.resolve(ALICE + ".txt"), whole + torn, StandardCharsets.ISO_8859_1);
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.MBOX,
                1 << 20, 10, Duration.ofMinutes(1), false));
             RawSmtpClient client = monitor.ehloClient()) {
            ServerError report = monitor.events().await(ServerError.class, e -> true);
            assertTrue(report.message().contains(ALICE + ".txt") && report.message().contains("cut short")
                    && report.message().contains(ALICE + ".txt.torn"), report.message());
            assertEquals(torn, Files.readString(directory.resolve(ALICE + ".txt.torn"), StandardCharsets.ISO_8859_1));
            assertTrue(client.sendMessage("a@client.test", List.of(ALICE), "Subject: next\r\n\r\nok\r\n").startsWith("250 "));
            Python.assumeInstalled();
            String subjects = Python.run(directory, String.join("\n",
                    "import mailbox, sys",
                    "print([m['Subject'] for m in mailbox.mbox(sys.argv[1])])"), monitor.mailbox(ALICE).toString());
            assertEquals("['whole', 'next']", subjects.strip());
        }
    }
}
