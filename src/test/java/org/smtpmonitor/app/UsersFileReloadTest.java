package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.MailboxAdded;
import org.smtpmonitor.event.UsersFileChanged;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.EventRecorder;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** Reading the users file again: at Stop/Start, for a transaction under way, with AUTH, and without a WatchService. */
class UsersFileReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    @Test
    void stopAndStartReadTheUsersFileAgainAndABadOneKeepsTheListAndSaysWhy() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        EventBus bus = new EventBus();
        EventRecorder events = new EventRecorder();
        bus.subscribe(events);
        // Not watched: only Stop/Start can have read it.
        try (Monitor monitor = Monitor.start(users, TestMonitor.settings(directory), bus, (m, c) -> { }, false)) {
            monitor.stopServer();
            Files.writeString(users, "alice@example.com\nerin@example.com\n");
            assertFalse(monitor.accepts("erin@example.com"), "an edit alone does nothing here");
            monitor.startServer();
            assertTrue(monitor.isRunning());
            assertEquals(List.of("alice@example.com", "erin@example.com"), monitor.currentUsers());
            UsersFileChanged applied = events.await(UsersFileChanged.class, e -> true);
            assertEquals(List.of("erin@example.com"), applied.added());
            assertNull(applied.problem());
            assertEquals("erin@example.com", events.await(MailboxAdded.class, e -> true).address());
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(TestMonitor.address(monitor))) {
                client.command("EHLO client.test");
                assertTrue(client.sendMessage("s@client.test", List.of("erin@example.com"), "hi\r\n").startsWith("250 "));
            }
            assertEquals("hi\r\n", Files.readString(directory.resolve("erin@example.com.txt")));

            monitor.stopServer();
            Files.writeString(users, "alice@example.com\n\n*\n");
            monitor.startServer();
            assertTrue(monitor.isRunning(), "a bad file does not keep the server from starting");
            UsersFileChanged refused = events.await(UsersFileChanged.class, e -> e.problem() != null);
            assertEquals(users + ":3: '*' is not a catch-all: write '*@domain' (as in '*@example.com') to accept every"
                    + " address of a domain; a name cannot start with '*'", refused.problem());
            assertTrue(monitor.accepts("erin@example.com"), "the previous list is kept");

            monitor.stopServer();
            Files.writeString(users, "alice@example.com\n");
            monitor.startServer();
            UsersFileChanged fixed = events.await(UsersFileChanged.class, e -> e.removed().contains("erin@example.com"));
            assertNull(fixed.problem());
            assertFalse(monitor.accepts("erin@example.com"));
            assertTrue(Files.isRegularFile(directory.resolve("erin@example.com.txt")), "a removed user's file stays");
        }
    }

    @Test
    void aRecipientAcceptedBeforeItsUserIsRemovedIsStillDelivered() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\nleaving@example.com\n");
        try (TestMonitor monitor = TestMonitor.start(directory); RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("250 OK", client.command("MAIL FROM:<s@client.test>"));
            assertEquals("250 OK", client.command("RCPT TO:<leaving@example.com>"));
            Files.writeString(users, "alice@example.com\n");
            monitor.events().await(UsersFileChanged.class, e -> e.removed().equals(List.of("leaving@example.com")));
            assertFalse(monitor.monitor().accepts("leaving@example.com"));
            assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", client.command("DATA"));
            client.send("accepted before\r\n.\r\n");
            assertTrue(client.readReply().startsWith("250 "));
            assertEquals("accepted before\r\n", monitor.mailboxText("leaving@example.com"));
            assertEquals("250 OK", client.command("MAIL FROM:<s@client.test>"));
            assertEquals("550 Address unknown", client.command("RCPT TO:<leaving@example.com>"));
        }
    }

    @Test
    void passwordsFollowTheEditedFile() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com old\n");
        AuthPolicy auth = AuthPolicy.of(AuthMode.USERS, false, true);
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory).withAuth(auth))) {
            String oldPlain = java.util.Base64.getEncoder().encodeToString("\0alice@example.com\0old".getBytes());
            String newPlain = java.util.Base64.getEncoder().encodeToString("\0alice@example.com\0new".getBytes());
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertTrue(client.command("AUTH PLAIN " + oldPlain).startsWith("235 "));
            }
            Files.writeString(users, "alice@example.com new\n");
            monitor.events().await(UsersFileChanged.class, e -> true);
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertTrue(client.command("AUTH PLAIN " + newPlain).startsWith("235 "));
            }
            // With AUTH from the users file, a file without a password is refused like a bad line.
            Files.writeString(users, "alice@example.com\n");
            UsersFileChanged refused = monitor.events().await(UsersFileChanged.class, e -> e.problem() != null);
            assertEquals(users + ": --auth users, but no user has a password: write it after the address, as in"
                    + " 'alice@example.com s3cret'", refused.problem());
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertTrue(client.command("AUTH PLAIN " + newPlain).startsWith("235 "), "the previous list is kept");
            }
        }
    }

    @Test
    void withoutAWatchServiceTheFileIsPolledAndAReplacedFileIsSeenToo() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        AtomicInteger changes = new AtomicInteger();
        UsersFileWatcher watcher = UsersFileWatcher.polling(users, changes::incrementAndGet);
        try {
            assertFalse(watcher.watching());
            Files.writeString(users, "alice@example.com\nbob@example.com\n");
            Await.until("the edit is seen", WAIT, () -> changes.get() >= 1);
            int seen = changes.get();
            Path replacement = Files.writeString(directory.resolve("users.new"), "carol@example.com\n");
            Files.move(replacement, users, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Await.until("the replaced file is seen", WAIT, () -> changes.get() > seen);
        } finally {
            watcher.close();
        }
    }

    @Test
    void theWatchServiceSeesAnEditInPlaceAndARenameOverTheFileButNotItsNeighbours() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        AtomicInteger changes = new AtomicInteger();
        UsersFileWatcher watcher = UsersFileWatcher.start(users, changes::incrementAndGet);
        try {
            assertTrue(watcher.watching());
            Files.writeString(directory.resolve("other.txt"), "x");
            Files.writeString(users, "alice@example.com\nbob@example.com\n");
            Await.until("the edit is seen", WAIT, () -> changes.get() >= 1);
            int seen = changes.get();
            Path replacement = Files.writeString(directory.resolve("users.new"), "carol@example.com\n");
            Files.move(replacement, users, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Await.until("the rename over the file is seen", WAIT, () -> changes.get() > seen);
        } finally {
            watcher.close();
        }
    }

    @Test
    void aUsersFileThatIsALinkIsWatchedWhereItLeads() throws Exception {
        Path elsewhere = Files.createDirectories(directory.resolve("dotfiles"));
        Path real = Files.writeString(elsewhere.resolve("my-users"), "alice@example.com\n");
        Path users = Files.createSymbolicLink(directory.resolve("users.txt"), real);
        AtomicInteger changes = new AtomicInteger();
        UsersFileWatcher watcher = UsersFileWatcher.start(users, changes::incrementAndGet);
        try {
            Files.writeString(real, "alice@example.com\nbob@example.com\n");
            Await.until("the edit where the link leads is seen", WAIT, () -> changes.get() >= 1);
        } finally {
            watcher.close();
        }
    }
}
