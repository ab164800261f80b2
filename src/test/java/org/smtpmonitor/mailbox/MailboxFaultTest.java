package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.smtp.Envelope;

/** What full disks, crashes half way through an append, links and long names leave in the mailbox files. */
class MailboxFaultTest {

    private static final List<User> USERS = List.of(new User("alice@example.com", 1), new User("bob@example.com", 2));

    @TempDir
    Path directory;

    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    /** The real disk, but for appends, which write {@code room} bytes in all and then fail as a full disk does. */
    private static class FullDisk implements Disk {
        final AtomicInteger room;

        FullDisk(int room) {
            this.room = new AtomicInteger(room);
        }

        @Override
        public void sync(FileChannel channel) throws IOException {
            channel.force(false);
        }

        @Override
        public int append(FileChannel channel, ByteBuffer bytes) throws IOException {
            int take = Math.min(bytes.remaining(), room.get());
            if (take == 0) {
                throw new IOException("No space left on device");
            }
            ByteBuffer part = bytes.duplicate();
            part.limit(part.position() + take);
            int written = channel.write(part);
            bytes.position(bytes.position() + written);
            room.addAndGet(-written);
            return written;
        }
    }

    private MailboxStore store(MailboxFormat format, Disk disk) throws IOException {
        MailboxStore store = new MailboxStore(directory, format, USERS, "localhost", disk, problems::add);
        store.createMailboxes();
        return store;
    }

    private static void deliver(MailboxStore store, String text, String... recipients) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        store.deliver(new Envelope("Q", "h", "a@b.c", List.of(recipients)), data, data.length);
    }

    private String read(String name) throws IOException {
        return Files.readString(directory.resolve(name), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aDiskThatFillsUpHalfWayThroughAMessageLeavesEveryMailboxAsItWas() throws Exception {
        FullDisk disk = new FullDisk(Integer.MAX_VALUE);
        MailboxStore store = store(MailboxFormat.MBOX, disk);
        deliver(store, "first\r\n", "alice@example.com", "bob@example.com");
        String alice = read("alice@example.com.txt");
        String bob = read("bob@example.com.txt");

        // alice's copy is written whole, bob's only in part: both must go.
        disk.room.set(3000);
        String big = "x".repeat(2000) + "\r\n";
        IOException e = assertThrows(IOException.class,
                () -> deliver(store, big, "alice@example.com", "bob@example.com"));
        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        assertEquals(alice, read("alice@example.com.txt"));
        assertEquals(bob, read("bob@example.com.txt"));

        // Space again: the next message starts where the last whole one ended.
        disk.room.set(Integer.MAX_VALUE);
        deliver(store, "second\r\n", "bob@example.com");
        assertTrue(read("bob@example.com.txt").startsWith(bob + "From a@b.c "), read("bob@example.com.txt"));
        assertTrue(read("bob@example.com.txt").endsWith(" 2026\nsecond\r\n\n".substring(5)), read("bob@example.com.txt"));
    }

    @Test
    void aMessageCutShortByACrashIsMovedAsideAtTheNextStart() throws Exception {
        // The writer "dies" half way through the second message: it never returns.
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Disk dying = new FullDisk(Integer.MAX_VALUE) {
            @Override
            public int append(FileChannel channel, ByteBuffer bytes) throws IOException {
                if (bytes.remaining() < 10_000) {
                    return super.append(channel, bytes);
                }
                ByteBuffer half = bytes.duplicate();
                half.limit(half.position() + bytes.remaining() / 2);
                channel.write(half);
                halfWritten.countDown();
                try {
                    never.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("the process was killed");
            }
        };
        MailboxStore crashed = store(MailboxFormat.RAW, dying);
        deliver(crashed, "Subject: whole\r\n\r\nkept\r\n", "alice@example.com");
        String whole = read("alice@example.com.txt");
        String big = "Subject: cut\r\n\r\n" + "y".repeat(20_000) + "\r\n";
        Thread writer = new Thread(() -> {
            try {
                deliver(crashed, big, "alice@example.com");
            } catch (IOException expected) {
                // Only when the test lets the dead writer go at the end.
            }
        });
        writer.start();
        try {
            assertTrue(halfWritten.await(10, TimeUnit.SECONDS));
            long tornLength = Files.size(directory.resolve("alice@example.com.txt")) - whole.length();
            assertTrue(tornLength > 0 && tornLength < big.length());

            // The restart: a new store on the same directory, once the dead one's lock is gone as with its process.
            crashed.abandonLock();
            MailboxStore restarted = store(MailboxFormat.RAW, Disk.FDATASYNC);
            assertEquals(whole, read("alice@example.com.txt"));
            assertEquals(big.substring(0, (int) tornLength), read("alice@example.com.txt.torn"));
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("alice@example.com.txt") && problems.get(0).contains("cut short")
                    && problems.get(0).contains("alice@example.com.txt.torn"), problems.get(0));

            never.countDown();
            writer.join(10_000);
            deliver(restarted, "Subject: next\r\n\r\nnext\r\n", "alice@example.com");
            assertEquals(whole + "Subject: next\r\n\r\nnext\r\n", read("alice@example.com.txt"));
            assertEquals(1, problems.size(), "a whole tail is not reported again: " + problems);
        } finally {
            never.countDown();
            writer.join(10_000);
        }
    }

    @Test
    void anMboxThatEndsInsideAMessageWithoutAJournalLosesOnlyThatMessageToTheTornFile() throws Exception {
        String whole = "From a@b.c Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody\n\n";
        String torn = "From a@b.c Mon Jan  1 00:00:01 2024\nSubject: two\n\nhalf a li";
        Files.writeString(directory.resolve("alice@example.com.txt"), whole + torn, StandardCharsets.ISO_8859_1);
        MailboxStore store = store(MailboxFormat.MBOX, Disk.FDATASYNC);
        assertEquals(whole, read("alice@example.com.txt"));
        assertEquals(torn, read("alice@example.com.txt.torn"));
        deliver(store, "Subject: three\r\n\r\nok\r\n", "alice@example.com");
        assertTrue(read("alice@example.com.txt").startsWith(whole + "From a@b.c "));
        assertEquals(1, problems.size(), problems.toString());
    }

    @Test
    void aRawMailboxThatEndsMidLineWithoutAJournalIsReportedAndLeftAsItIs() throws Exception {
        // Without the journal nothing tells where the last message began: it may be the user's own file.
        Files.writeString(directory.resolve("alice@example.com.txt"), "Subject: old\r\n\r\nhalf a li");
        store(MailboxFormat.RAW, Disk.FDATASYNC);
        assertEquals("Subject: old\r\n\r\nhalf a li", read("alice@example.com.txt"));
        assertFalse(Files.exists(directory.resolve("alice@example.com.txt.torn")));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("middle of a line"), problems.get(0));
    }

    @Test
    void mailboxesThatEndWithWholeMessagesAreLeftAlone() throws Exception {
        byte[] old = "Subject: old\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(directory.resolve("alice@example.com.txt"), old);
        store(MailboxFormat.RAW, Disk.FDATASYNC);
        assertArrayEquals(old, Files.readAllBytes(directory.resolve("alice@example.com.txt")));
        assertEquals(List.of(), problems);
    }

    @Test
    void aMailboxThatIsASymbolicLinkIsRefusedAtStart() throws Exception {
        Path elsewhere = Files.createDirectory(directory.resolve("elsewhere"));
        Path mailbox = directory.resolve("mail/alice@example.com.txt");
        Files.createDirectories(mailbox.getParent());
        Files.createSymbolicLink(mailbox, elsewhere.resolve("target.txt"));
        MailboxStore store = new MailboxStore(mailbox.getParent(), MailboxFormat.RAW, USERS, "localhost");
        IOException e = assertThrows(IOException.class, store::createMailboxes);
        assertTrue(e.getMessage().contains("alice@example.com.txt") && e.getMessage().contains("symbolic link"),
                e.getMessage());
        assertFalse(Files.exists(elsewhere.resolve("target.txt")), "nothing is created through the link");
        assertFalse(Files.exists(mailbox.getParent().resolve("bob@example.com.txt")),
                "a failed start leaves no mailbox it created behind");
    }

    @Test
    void theDirectoryIsSyncedAfterMailboxesAreCreatedAndWhenADeletedOneIsMadeAgain() throws Exception {
        List<Path> synced = Collections.synchronizedList(new ArrayList<>());
        Disk recording = new FullDisk(Integer.MAX_VALUE) {
            @Override
            public void syncDirectory(Path dir) throws IOException {
                synced.add(dir);
                super.syncDirectory(dir);
            }
        };
        Path mail = directory.resolve("mail");
        MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, USERS, "localhost", recording, problems::add);
        store.createMailboxes();
        assertTrue(synced.contains(mail), synced.toString());
        assertTrue(synced.contains(directory), "the new directory's own entry: " + synced);

        synced.clear();
        Files.delete(mail.resolve("alice@example.com.txt"));
        deliver(store, "again\r\n", "alice@example.com");
        assertEquals(List.of(mail), synced.stream().filter(mail::equals).toList());
    }

    @Test
    void theLongestAddressesGetAMailboxFileTheSystemAccepts() throws Exception {
        String local = "l".repeat(64);
        String domain = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        User longest = new User(local + "@" + domain, 1);
        User sibling = new User(local + "@" + domain.replace('d', 'e'), 2);
        MailboxStore store = new MailboxStore(directory, MailboxFormat.RAW, List.of(longest, sibling), "localhost");
        store.createMailboxes();
        deliver(store, "hello\r\n", longest.address());
        Path file = store.mailboxFile(longest.address());
        assertTrue(file.getFileName().toString().length() <= 240, file.getFileName().toString());
        assertEquals("hello\r\n", Files.readString(file));
        assertEquals("", Files.readString(store.mailboxFile(sibling.address())), "two long addresses, two files");
        assertEquals(new User("short@example.com", 1).mailboxFileName(), "short@example.com.txt");
    }

    @Test
    void aDeliveryThatFindsItsMailboxReplacedByALinkFailsAndWritesNothingThroughIt() throws Exception {
        MailboxStore store = store(MailboxFormat.RAW, Disk.FDATASYNC);
        deliver(store, "first\r\n", "alice@example.com");
        Path target = Files.writeString(directory.resolve("target.txt"), "not mail\n");
        Path mailbox = directory.resolve("alice@example.com.txt");
        Files.delete(mailbox);
        Files.createSymbolicLink(mailbox, target);
        AtomicReference<IOException> failure = new AtomicReference<>();
        failure.set(assertThrows(IOException.class, () -> deliver(store, "second\r\n", "alice@example.com")));
        assertTrue(failure.get().getMessage().contains("symbolic link"), failure.get().getMessage());
        assertEquals("not mail\n", Files.readString(target));
    }
}
