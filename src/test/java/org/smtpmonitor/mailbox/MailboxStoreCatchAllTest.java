package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;

/**
 * The store's side of a catch-all and of a users list applied while it runs: which address
 * is found (and how it is spelt), what a new list makes, and what it never takes away.
 */
class MailboxStoreCatchAllTest {

    @TempDir
    Path directory;

    private MailboxStore store(String users) throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), users);
        MailboxStore store = new MailboxStore(directory.resolve("mail"), MailboxFormat.RAW,
                UsersFile.read(file, "localhost"), "localhost", problem -> { });
        store.createMailboxes();
        return store;
    }

    private static void deliver(MailboxStore store, String text, String... recipients) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        store.deliver(new Envelope("Q", "client.test", "s@client.test", List.of(recipients)), data, data.length);
    }

    private Recipients read(String users) throws Exception {
        return UsersFile.read(Files.writeString(directory.resolve("users.txt"), users), "localhost");
    }

    @Test
    void aCaughtAddressIsSpeltAsGivenWithItsDomainInLowerCaseAndInAsciiForm() throws Exception {
        try (MailboxStore store = store("alice@example.com\n*@catch.test\n*@xn--bcher-kva.test\n")) {
            assertEquals("Bob@catch.test", store.findUser("Bob@Catch.TEST"));
            assertEquals("j\u00f6rg@xn--bcher-kva.test", store.findUser("jo\u0308rg@b\u00fccher.test"));
            assertEquals("alice@example.com", store.findUser("ALICE@example.com"));
            assertNull(store.findUser("bob@example.com"));
            assertNull(store.passwordOf("Bob@catch.test"), "a caught address has no password");
        }
    }

    @Test
    void theStoreItselfRefusesWhatCouldNotBeASafeFileName() throws Exception {
        try (MailboxStore store = store("alice@example.com\n*@catch.test\n")) {
            for (String bad : List.of("x\u202eevil@catch.test", "a\u200bb@catch.test", "a\u2066b@catch.test",
                    "a..b@catch.test", ".x@catch.test", "a/b@catch.test", "a\\b@catch.test", "x\u0000@catch.test",
                    "\u0301x@catch.test", "a\ufe0fb@catch.test", "n".repeat(65) + "@catch.test", "\"q\"@catch.test")) {
                assertNull(store.findUser(bad), bad);
            }
        }
    }

    @Test
    void aMailboxIsMadeOnTheFirstDeliveryOnceForEverySpelling() throws Exception {
        try (MailboxStore store = store("alice@example.com\n*@catch.test\n")) {
            List<String> made = new CopyOnWriteArrayList<>();
            store.addMailboxListener(made::add);
            deliver(store, "one\n", store.findUser("New@catch.test"), store.findUser("NEW@catch.test"));
            deliver(store, "two\n", store.findUser("new@CATCH.test"));
            assertEquals(List.of("New@catch.test"), made);
            assertEquals("one\ntwo\n", Files.readString(directory.resolve("mail/New@catch.test.txt")));
            assertEquals(List.of("alice@example.com", "New@catch.test"),
                    store.users().stream().map(User::address).toList());
            assertEquals(List.of("alice@example.com"), store.currentUsers().stream().map(User::address).toList());
        }
    }

    @Test
    void applyingAListAddsUsersNowAndTakesNoneAwayButTheRightToNewMail() throws Exception {
        try (MailboxStore store = store("alice@example.com pw1\nbob@example.com\n")) {
            List<String> made = new CopyOnWriteArrayList<>();
            store.addMailboxListener(made::add);
            deliver(store, "for bob\n", "bob@example.com");
            MailboxStore.ListChange change = store.apply(directory.resolve("users.txt"),
                    read("alice@example.com pw2\nerin@example.com\n*@catch.test\n"));
            assertEquals(List.of("erin@example.com", "*@catch.test"), change.added());
            assertEquals(List.of("bob@example.com"), change.removed());
            assertTrue(Files.isRegularFile(directory.resolve("mail/erin@example.com.txt")), "made now, not on delivery");
            assertEquals(List.of("erin@example.com"), made);
            assertNull(store.findUser("bob@example.com"));
            assertEquals("erin@example.com", store.findUser("erin@example.com"));
            assertEquals("pw2", store.passwordOf("alice@example.com"));
            assertEquals("for bob\n", Files.readString(directory.resolve("mail/bob@example.com.txt")));
            assertEquals(List.of("alice@example.com", "bob@example.com", "erin@example.com"),
                    store.users().stream().map(User::address).toList(), "bob's mailbox is kept");
            // A recipient accepted before its user left is still delivered.
            deliver(store, "late\n", "bob@example.com");
            assertEquals("for bob\nlate\n", Files.readString(directory.resolve("mail/bob@example.com.txt")));
        }
    }

    @Test
    void aNewUserWhoseMailboxCannotBeMadeLeavesTheListAsItWas() throws Exception {
        try (MailboxStore store = store("alice@example.com\n")) {
            Path outside = Files.writeString(directory.resolve("outside"), "");
            Files.createSymbolicLink(directory.resolve("mail/link@example.com.txt"), outside);
            Path users = directory.resolve("users.txt");
            UsersFileException e = assertThrows(UsersFileException.class, () -> store.apply(users,
                    read("alice@example.com\nnew@example.com\nlink@example.com\n")));
            assertEquals(3, e.line());
            assertTrue(e.getMessage().startsWith(users + ":3: mailbox " + directory.resolve("mail/link@example.com.txt")
                    + " is a symbolic link"), e.getMessage());
            assertNull(store.findUser("new@example.com"));
            assertTrue(Files.notExists(directory.resolve("mail/new@example.com.txt")), "removed again");
            assertEquals(Set.of("alice@example.com"),
                    Set.copyOf(store.users().stream().map(User::address).toList()));
        }
    }

    @Test
    void aCatchAllAddedLaterFindsTheMailboxesAnEarlierRunMade() throws Exception {
        Files.createDirectories(directory.resolve("mail"));
        Files.writeString(directory.resolve("mail/old@catch.test.txt"), "kept\n");
        Files.writeString(directory.resolve("mail/notes.txt"), "not a mailbox\n");
        try (MailboxStore store = store("alice@example.com\n")) {
            assertEquals(List.of("alice@example.com"), store.users().stream().map(User::address).toList());
            store.apply(directory.resolve("users.txt"), read("alice@example.com\n*@catch.test\n"));
            assertEquals(List.of("alice@example.com", "old@catch.test"),
                    store.users().stream().map(User::address).toList());
            deliver(store, "new\n", store.findUser("OLD@catch.test"));
            assertEquals("kept\nnew\n", Files.readString(directory.resolve("mail/old@catch.test.txt")));
        }
    }

    @Test
    void aFailedReloadNeverRemovesAMailboxTheCatchAllDeliveredToMeanwhile() throws Exception {
        AtomicReference<Runnable> duringDirectorySync = new AtomicReference<>();
        Disk disk = new Disk() {
            @Override
            public void sync(FileChannel channel) throws IOException {
                channel.force(false);
            }

            @Override
            public void syncDirectory(Path dir) throws IOException {
                Runnable hook = duringDirectorySync.getAndSet(null);
                if (hook != null) {
                    hook.run();
                    throw new IOException("simulated: directory sync failed");
                }
            }
        };
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n*@example.com\n");
        Path mail = directory.resolve("mail");
        try (MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, UsersFile.read(users, "localhost"),
                "localhost", disk, p -> { })) {
            store.createMailboxes();
            Recipients next = read("alice@example.com\nerin@example.com\n*@example.com\n");
            duringDirectorySync.set(() -> {
                // A session of the catch-all delivers to erin while the edit that lists her is applied.
                try {
                    deliver(store, "caught\n", store.findUser("erin@example.com"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThrows(UsersFileException.class, () -> store.apply(users, next));
            Path erin = mail.resolve("erin@example.com.txt");
            assertTrue(Files.exists(erin), "the acknowledged message's mailbox was deleted by the rollback");
            assertEquals("caught\n", Files.readString(erin));
            assertEquals(List.of("alice@example.com"), store.currentUsers().stream().map(User::address).toList(),
                    "the list stays as it was");
            deliver(store, "later\n", store.findUser("ERIN@example.com"));
            assertEquals("caught\nlater\n", Files.readString(erin));
        }
    }

    @Test
    void mailCaughtUnderOneSpellingStaysWithTheUserWhenARestartListsItInAnotherCase() throws Exception {
        try (MailboxStore store = store("*@example.com\n")) {
            store.openIndex();
            deliver(store, "one\n", store.findUser("Erin@example.com"));
            store.awaitIndexed();
        }
        try (MailboxStore store = store("erin@example.com\n*@example.com\n")) {
            store.openIndex();
            assertEquals("one\n", Files.readString(store.mailboxFile("erin@example.com")));
            deliver(store, "two\n", store.findUser("erin@example.com"));
            assertEquals("one\ntwo\n", Files.readString(directory.resolve("mail/Erin@example.com.txt")));
            store.awaitIndexed();
            assertEquals(Map.of("Erin@example.com", 2L), store.index().orElseThrow().counts(),
                    "both messages in the index, under the one mailbox");
            assertEquals(List.of("Erin@example.com"), store.users().stream().map(User::address).toList(),
                    "one mailbox for the address, named as its file is");
            try (Stream<Path> files = Files.list(directory.resolve("mail"))) {
                assertEquals(List.of("Erin@example.com.txt"), files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".txt")).toList(), "no second, empty mailbox");
            }
        }
    }

    @Test
    void aUserAddedByAReloadTakesTheMailboxAnEarlierRunMadeForItInAnotherCase() throws Exception {
        try (MailboxStore store = store("*@example.com\n")) {
            deliver(store, "one\n", store.findUser("Erin@example.com"));
        }
        try (MailboxStore store = store("alice@example.com\n")) {
            store.apply(directory.resolve("users.txt"), read("alice@example.com\nerin@example.com\n"));
            assertEquals("one\n", Files.readString(store.mailboxFile("erin@example.com")));
            assertTrue(Files.notExists(directory.resolve("mail/erin@example.com.txt")), "no second, empty mailbox");
        }
    }

    @Test
    void aListedUsersOwnFileIsKeptWhenAnotherSpellingsFileExistsToo() throws Exception {
        Files.createDirectories(directory.resolve("mail"));
        Files.writeString(directory.resolve("mail/Erin@example.com.txt"), "other\n");
        Files.writeString(directory.resolve("mail/erin@example.com.txt"), "own\n");
        try (MailboxStore store = store("erin@example.com\n")) {
            assertEquals("own\n", Files.readString(store.mailboxFile("erin@example.com")));
        }
    }

    @Test
    void caughtMailboxesKeepOnlyABoundedNumberOfFilesOpen() throws Exception {
        try (MailboxStore store = store("*@example.com\n")) {
            store.keepOpenAtMost(16);
            long before = openFiles().size();
            for (int i = 0; i < 300; i++) {
                deliver(store, "m" + i + "\n", store.findUser("u" + i + "@example.com"));
            }
            long after = openFiles().size();
            assertTrue(after - before <= 2 * 16 + 8, "open files grew by " + (after - before));
            for (int i = 0; i < 300; i++) {
                assertEquals("m" + i + "\n", Files.readString(directory.resolve("mail/u" + i + "@example.com.txt")));
            }
        }
    }

    @Test
    void aMailboxClosedWhileIdleTakesMailAgainIndexedDeletableAndKeptAcrossARestart() throws Exception {
        Path mail = directory.resolve("mail");
        Path a = mail.resolve("a@example.com.txt");
        List<String> problems = new CopyOnWriteArrayList<>();
        Path users = Files.writeString(directory.resolve("users.txt"), "*@example.com\n");
        try (MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, UsersFile.read(users, "localhost"),
                "localhost", problems::add)) {
            store.createMailboxes();
            store.openIndex();
            store.keepOpenAtMost(2);
            deliver(store, "a1\n", store.findUser("a@example.com"));
            assertTrue(openFiles().contains(a.toRealPath()), "open while in use");
            for (String other : List.of("b", "c", "d")) {
                deliver(store, other + "\n", store.findUser(other + "@example.com"));
            }
            assertTrue(!openFiles().contains(a.toRealPath()), "closed once idle and least recently used");
            deliver(store, "a2\n", "a@example.com");
            deliver(store, "a3\n", "a@example.com");
            assertEquals("a1\na2\na3\n", Files.readString(a));
            store.awaitIndexed();
            MessageIndex index = store.index().orElseThrow();
            List<IndexedMessage> rows = index.newest("a@example.com", 0, 10);
            assertEquals(3, rows.size());
            for (String other : List.of("b", "c", "d")) {
                deliver(store, other + "2\n", other + "@example.com");
            }
            assertTrue(!openFiles().contains(a.toRealPath()), "closed again");
            long a2 = rows.stream().filter(m -> m.offset() == 3).findFirst().orElseThrow().id();
            assertEquals(1, store.delete(List.of(a2)), "a closed mailbox is rewritten");
            assertEquals("a1\na3\n", Files.readString(a));
            deliver(store, "a4\n", "a@example.com");
            assertEquals("a1\na3\na4\n", Files.readString(a));
            store.awaitIndexed();
            assertEquals(3, index.newest("a@example.com", 0, 10).size());
        }
        try (MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, UsersFile.read(users, "localhost"),
                "localhost", problems::add)) {
            store.createMailboxes();
            store.openIndex();
            assertEquals(List.of(), problems, "nothing torn, nothing to repair");
            assertEquals(0, store.unindexedBytes("a@example.com"));
            List<IndexedMessage> rows = store.index().orElseThrow().newest("a@example.com", 0, 10);
            assertEquals(List.of(0L, 3L, 6L), rows.stream().map(IndexedMessage::offset).sorted().toList());
            assertEquals(3, store.clear("a@example.com"));
            assertEquals("", Files.readString(a));
        }
    }

    @Test
    void concurrentDeliveriesWhileIdleMailboxesAreClosedLoseNothing() throws Exception {
        Path mail = directory.resolve("mail");
        List<String> problems = new CopyOnWriteArrayList<>();
        Path users = Files.writeString(directory.resolve("users.txt"), "*@example.com\n");
        int threads = 6;
        int each = 60;
        try (MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, UsersFile.read(users, "localhost"),
                "localhost", problems::add)) {
            store.createMailboxes();
            store.openIndex();
            store.keepOpenAtMost(3);
            List<Thread> running = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            String one = store.findUser("r" + ((thread + i) % 10) + "@example.com");
                            String two = store.findUser("r" + ((thread * 7 + i * 3) % 10) + "@example.com");
                            deliver(store, thread + "-" + i + "\n", one, two);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                worker.start();
                running.add(worker);
            }
            for (Thread thread : running) {
                thread.join();
            }
            assertEquals(List.of(), failures);
            store.awaitIndexed();
            Map<String, Long> counts = store.index().orElseThrow().counts();
            for (int r = 0; r < 10; r++) {
                String address = "r" + r + "@example.com";
                Set<String> expected = new TreeSet<>();
                for (int t = 0; t < threads; t++) {
                    for (int i = 0; i < each; i++) {
                        if ((t + i) % 10 == r || (t * 7 + i * 3) % 10 == r) {
                            expected.add(t + "-" + i);
                        }
                    }
                }
                List<String> lines = Files.readAllLines(mail.resolve(address + ".txt"));
                assertEquals(expected.size(), lines.size(), address + ": each message once, none torn");
                assertEquals(expected, new TreeSet<>(lines), address);
                assertEquals(expected.size(), counts.getOrDefault(address, 0L), address + " indexed");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void deliveriesThatAllFailOnAFullDiskDoNotKeepTheirFilesOpenEither() throws Exception {
        Disk full = new Disk() {
            @Override
            public void sync(FileChannel channel) throws IOException {
                channel.force(false);
            }

            @Override
            public int append(FileChannel channel, ByteBuffer bytes) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        Path users = Files.writeString(directory.resolve("users.txt"), "*@example.com\n");
        try (MailboxStore store = new MailboxStore(directory.resolve("mail"), MailboxFormat.RAW,
                UsersFile.read(users, "localhost"), "localhost", full, p -> { })) {
            store.createMailboxes();
            store.keepOpenAtMost(8);
            long before = openFiles().size();
            for (int i = 0; i < 100; i++) {
                String recipient = store.findUser("u" + i + "@example.com");
                assertThrows(IOException.class, () -> deliver(store, "m\n", recipient));
            }
            long grown = openFiles().size() - before;
            assertTrue(grown <= 2 * 8 + 8, "open files grew by " + grown);
        }
    }

    @Test
    void aCaughtAddressesNewFileNameIsSyncedWhileTheDeliveryWaitsForTheDiskNotWhenItIsAppended() throws Exception {
        List<String> syncs = new CopyOnWriteArrayList<>();
        AtomicReference<IOException> failNextDirectorySync = new AtomicReference<>();
        Disk disk = new Disk() {
            @Override
            public void sync(FileChannel channel) throws IOException {
                syncs.add("file");
                channel.force(false);
            }

            @Override
            public void syncDirectory(Path dir) throws IOException {
                IOException failure = failNextDirectorySync.getAndSet(null);
                if (failure != null) {
                    throw failure;
                }
                syncs.add("directory");
                Disk.super.syncDirectory(dir);
            }
        };
        Path users = Files.writeString(directory.resolve("users.txt"), "*@example.com\n");
        Path mail = directory.resolve("mail");
        try (MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, UsersFile.read(users, "localhost"),
                "localhost", disk, p -> { })) {
            store.createMailboxes();
            syncs.clear();
            byte[] one = "one\n".getBytes(StandardCharsets.ISO_8859_1);
            byte[] two = "two\n".getBytes(StandardCharsets.ISO_8859_1);
            // Two sessions: the first makes the mailbox, the second appends to it before either waits.
            MessageStore.Pending first = store.append(new Envelope("Q1", "c.test", "s@c.test",
                    List.of(store.findUser("new@example.com"))), one, one.length);
            MessageStore.Pending second = store.append(new Envelope("Q2", "c.test", "s@c.test",
                    List.of(store.findUser("NEW@example.com"))), two, two.length);
            assertEquals(List.of(), syncs, "nothing synced on the event loop's side of a delivery");
            second.awaitDurable();
            assertEquals(List.of("directory", "file"), syncs, "the new name is durable before either hears 250");
            first.awaitDurable();
            assertEquals(List.of("directory", "file"), syncs, "once for both");
            assertEquals("one\ntwo\n", Files.readString(mail.resolve("new@example.com.txt")));

            syncs.clear();
            failNextDirectorySync.set(new IOException("simulated: directory sync failed"));
            MessageStore.Pending failing = store.append(new Envelope("Q3", "c.test", "s@c.test",
                    List.of(store.findUser("other@example.com"))), one, one.length);
            assertThrows(IOException.class, failing::awaitDurable, "no 250 while the name may not be durable");
            assertEquals("", Files.readString(mail.resolve("other@example.com.txt")),
                    "cut back, as after a failed sync");
            syncs.clear();
            store.deliver(new Envelope("Q4", "c.test", "s@c.test", List.of("other@example.com")), two, two.length);
            assertEquals(List.of("directory", "file"), syncs, "tried again by the next delivery");
            assertEquals("two\n", Files.readString(mail.resolve("other@example.com.txt")));
        }
    }

    private static Set<Path> openFiles() throws Exception {
        Set<Path> open = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    open.add(Files.readSymbolicLink(fd));
                } catch (IOException gone) {
                    // The listing's own descriptor, closed by now.
                    open.add(fd);
                }
            }
        }
        return open;
    }
}
