package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;

/**
 * Deleting messages and clearing a mailbox on real files: the file is rewritten without
 * them (a new file renamed over it, never cut in place), the index follows with the ids
 * of the kept messages unchanged, and a failure half way changes nothing.
 */
class MailboxDeleteTest {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final List<User> USERS = List.of(new User(ALICE, 1), new User(BOB, 2));

    @TempDir
    Path directory;

    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    /** The real disk, but for copies that fail once {@code room} bytes are copied, and syncs that fail when told to. */
    private static class FailingDisk implements Disk {
        final AtomicLong room = new AtomicLong(Long.MAX_VALUE);
        final AtomicBoolean syncFails = new AtomicBoolean();

        @Override
        public void sync(FileChannel channel) throws IOException {
            if (syncFails.get()) {
                throw new IOException("Input/output error");
            }
            channel.force(false);
        }

        @Override
        public long transfer(FileChannel from, long position, long count, FileChannel to) throws IOException {
            long take = Math.min(count, room.get());
            if (take <= 0) {
                throw new IOException("No space left on device");
            }
            long copied = from.transferTo(position, take, to);
            room.addAndGet(-copied);
            return copied;
        }
    }

    private MailboxStore open(MailboxFormat format, Disk disk) throws IOException {
        MailboxStore store = new MailboxStore(directory, format, USERS, "localhost", disk, problems::add);
        store.createMailboxes();
        store.openIndex();
        return store;
    }

    private static byte[] message(int n) {
        return ("Subject: message " + n + "\r\n\r\nbody of message " + n + "\r\nFrom the start of a line\r\n"
                + "x".repeat(n * 37) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void deliver(MailboxStore store, int n, String... recipients) throws IOException {
        byte[] data = message(n);
        store.deliver(envelope(n, recipients), data, data.length);
    }

    private static Envelope envelope(int n, String... recipients) {
        return new Envelope("Q." + n, "client.test", "s" + n + "@client.test", List.of(recipients));
    }

    /** Each indexed message of {@code address} by id, oldest first, as read back from its place in the file. */
    private static Map<Long, byte[]> stored(MailboxStore store, String address) throws IOException {
        List<IndexedMessage> rows = new ArrayList<>(store.index().orElseThrow().newest(address, 0, 1000));
        Collections.reverse(rows);
        Map<Long, byte[]> stored = new LinkedHashMap<>();
        try (FileChannel in = FileChannel.open(store.mailboxFile(address))) {
            for (IndexedMessage row : rows) {
                ByteBuffer bytes = ByteBuffer.allocate((int) row.length());
                in.read(bytes, row.offset());
                stored.put(row.id(), store.format().unframe(bytes.array(), bytes.position()));
            }
        }
        return stored;
    }

    private static List<Long> ids(MailboxStore store, String address) throws IOException {
        return new ArrayList<>(stored(store, address).keySet());
    }

    private void assertHolds(MailboxStore store, String address, Map<Long, byte[]> expected) throws IOException {
        Map<Long, byte[]> stored = stored(store, address);
        assertEquals(expected.keySet(), stored.keySet(), "the ids of " + address);
        assertEquals(expected.size(), store.index().orElseThrow().counts().getOrDefault(address, 0L),
                "the count the index keeps for " + address);
        for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), stored.get(e.getKey()), "message " + e.getKey() + " read where the index says");
        }
    }

    private List<String> hiddenFiles() throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".") && !n.equals(".smtp-monitor"))
                    .toList();
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void deletingRewritesTheFileWithoutTheMessagesAndTheIndexKeepsTheOtherIds(MailboxFormat format) throws Exception {
        try (MailboxStore store = open(format, Disk.FDATASYNC)) {
            for (int n = 1; n <= 5; n++) {
                deliver(store, n, n == 2 ? new String[] {ALICE, BOB} : new String[] {ALICE});
            }
            store.awaitIndexed();
            List<Long> ids = ids(store, ALICE);
            Map<Long, byte[]> bobBefore = stored(store, BOB);
            Object inode = Files.readAttributes(store.mailboxFile(ALICE),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey();

            assertEquals(2, store.delete(List.of(ids.get(1), ids.get(3), 999_999L)), "an unknown id is skipped");

            Map<Long, byte[]> kept = new LinkedHashMap<>();
            for (int i : new int[] {0, 2, 4}) {
                kept.put(ids.get(i), message(i + 1));
            }
            assertHolds(store, ALICE, kept);
            if (format == MailboxFormat.RAW) {
                byte[] expected = concat(message(1), message(3), message(5));
                assertArrayEquals(expected, Files.readAllBytes(store.mailboxFile(ALICE)), "nothing but the kept messages");
            }
            assertHolds(store, BOB, bobBefore);
            assertTrue(!inode.equals(Files.readAttributes(store.mailboxFile(ALICE),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey()), "a new file, not one cut in place");
            assertEquals(List.of(), store.index().orElseThrow().search(MessageIndex.Query.words(null, "4"), 0, 10),
                    "the words of a deleted message are gone");
            assertEquals(List.of(), hiddenFiles(), "no temporary file is left");

            // The mailbox takes mail as before, after what was kept.
            deliver(store, 6, ALICE);
            store.awaitIndexed();
            kept.put(ids(store, ALICE).get(3), message(6));
            assertHolds(store, ALICE, kept);
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void aDeliveryAppendedBeforeADeleteButIndexedAfterIsIndexedWhereItLiesNow(MailboxFormat format) throws Exception {
        try (MailboxStore store = open(format, Disk.FDATASYNC)) {
            deliver(store, 1, ALICE);
            deliver(store, 2, ALICE);
            store.awaitIndexed();
            List<Long> ids = ids(store, ALICE);
            byte[] late = message(3);
            // Appended now, handed to the index only when its session waits for the disk: after the delete.
            MessageStore.Pending pending = store.append(envelope(3, ALICE), late, late.length);

            assertEquals(1, store.delete(List.of(ids.get(0))));
            pending.awaitDurable();
            store.awaitIndexed();

            List<Long> now = ids(store, ALICE);
            assertEquals(2, now.size(), now.toString());
            assertHolds(store, ALICE, Map.of(ids.get(1), message(2), now.get(1), late));
            MessageIndex.MailboxState state = store.index().orElseThrow().state(ALICE).orElseThrow();
            assertEquals(Files.size(store.mailboxFile(ALICE)), state.indexedTo());
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void aCopyThatFailsHalfWayLeavesTheMailboxAndTheIndexAsTheyWereAndNoTemporaryFile(MailboxFormat format)
            throws Exception {
        FailingDisk disk = new FailingDisk();
        try (MailboxStore store = open(format, disk)) {
            for (int n = 1; n <= 4; n++) {
                deliver(store, n, ALICE);
            }
            store.awaitIndexed();
            byte[] before = Files.readAllBytes(store.mailboxFile(ALICE));
            Map<Long, byte[]> stored = stored(store, ALICE);
            List<Long> ids = new ArrayList<>(stored.keySet());

            disk.room.set(before.length / 2);
            IOException e = assertThrows(IOException.class, () -> store.delete(List.of(ids.get(0))));
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("nothing deleted"),
                    e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(store.mailboxFile(ALICE)));
            assertHolds(store, ALICE, stored);
            assertEquals(List.of(), hiddenFiles());

            disk.room.set(Long.MAX_VALUE);
            disk.syncFails.set(true);
            assertThrows(IOException.class, () -> store.delete(List.of(ids.get(0))));
            disk.syncFails.set(false);
            assertArrayEquals(before, Files.readAllBytes(store.mailboxFile(ALICE)));
            assertHolds(store, ALICE, stored);
            assertEquals(List.of(), hiddenFiles());

            // With room again, the same delete goes through.
            assertEquals(1, store.delete(List.of(ids.get(0))));
            stored.remove(ids.get(0));
            assertHolds(store, ALICE, stored);
        }
    }

    @Test
    void clearingKeepsEarlierMailWhoseBoundariesAreUnknown() throws Exception {
        byte[] earlier = "Subject: kept from before\r\n\r\nno journal knows where this ends\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        Files.write(directory.resolve(ALICE + ".txt"), earlier);
        try (MailboxStore store = open(MailboxFormat.RAW, Disk.FDATASYNC)) {
            assertEquals(earlier.length, store.unindexedBytes(ALICE));
            deliver(store, 1, ALICE);
            deliver(store, 2, ALICE, BOB);
            store.awaitIndexed();

            assertEquals(2, store.clear("ALICE@example.com"), "an address in any case");

            assertArrayEquals(earlier, Files.readAllBytes(store.mailboxFile(ALICE)));
            assertEquals(List.of(), ids(store, ALICE));
            assertEquals(1, ids(store, BOB).size());
            assertEquals(0, store.clear(ALICE), "nothing left that the index knows");
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void afterADeleteARestartKeepsTheIdsAndTheBoundariesAndFindsNothingTorn(MailboxFormat format) throws Exception {
        Map<Long, byte[]> kept = new LinkedHashMap<>();
        try (MailboxStore store = open(format, Disk.FDATASYNC)) {
            for (int n = 1; n <= 4; n++) {
                deliver(store, n, ALICE);
            }
            store.awaitIndexed();
            List<Long> ids = ids(store, ALICE);
            store.delete(List.of(ids.get(1)));
            kept.put(ids.get(0), message(1));
            kept.put(ids.get(2), message(3));
            kept.put(ids.get(3), message(4));
        }
        try (MessageIndex index = MessageIndex.open(directory)) {
            assertEquals(0, index.uncovered(ALICE).skipped(), "the rows still cover the file whole, to the byte");
        }
        try (MailboxStore store = open(format, Disk.FDATASYNC)) {
            store.awaitIndexed();
            assertHolds(store, ALICE, kept);
            assertEquals(0, store.unindexedBytes(ALICE));
        }
        // Without the index, the boundaries come back from the files (mbox) or the rewritten journal (raw).
        Files.delete(directory.resolve(".smtp-monitor/index.db"));
        try (MailboxStore store = open(format, Disk.FDATASYNC)) {
            store.awaitIndexed();
            assertEquals(0, store.unindexedBytes(ALICE));
            assertEquals(List.copyOf(kept.values()).stream().map(String::new).toList(),
                    stored(store, ALICE).values().stream().map(String::new).toList());
        }
        assertEquals(List.of(), problems, "nothing is reported torn or repaired");
        assertTrue(!Files.exists(directory.resolve(ALICE + ".txt.torn")));
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void aCrashAfterTheNewFileTookTheNameButBeforeTheIndexFollowedCostsOnlyTheDelete(MailboxFormat format)
            throws Exception {
        AtomicBoolean crash = new AtomicBoolean();
        Disk dying = new FailingDisk() {
            @Override
            public void syncDirectory(Path dir) throws IOException {
                super.syncDirectory(dir);
                if (crash.get()) {
                    // Called right after the rename: the process dies here.
                    throw new Crash();
                }
            }
        };
        Map<Long, byte[]> kept = new LinkedHashMap<>();
        MailboxStore crashed = open(format, dying);
        for (int n = 1; n <= 3; n++) {
            deliver(crashed, n, ALICE);
        }
        crashed.awaitIndexed();
        List<Long> ids = ids(crashed, ALICE);
        kept.put(ids.get(0), message(1));
        kept.put(ids.get(2), message(3));
        crash.set(true);
        assertThrows(Crash.class, () -> crashed.delete(List.of(ids.get(1))));
        crashed.abandonLock();

        try (MailboxStore store = open(format, Disk.FDATASYNC)) {
            store.awaitIndexed();
            assertHolds(store, ALICE, kept);
            assertEquals(0, store.unindexedBytes(ALICE));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aRewriteNotedButNeverPutInPlaceIsForgottenAtTheNextStart() throws Exception {
        Map<Long, byte[]> all;
        try (MailboxStore store = open(MailboxFormat.RAW, Disk.FDATASYNC)) {
            deliver(store, 1, ALICE);
            deliver(store, 2, ALICE);
            store.awaitIndexed();
            all = stored(store, ALICE);
            // As a crash between noting the rewrite and the rename leaves it: the note, and the temporary file.
            IndexRewrite.begin(store.index().orElseThrow(), new IndexRewrite.Pending(ALICE,
                    store.index().orElseThrow().state(ALICE).orElseThrow().identity(), 42,
                    Cuts.of(List.of(new long[] {0, message(1).length}))));
            Files.write(MailboxRewriter.temporaryFile(store.mailboxFile(ALICE)), message(2));
        }
        try (MailboxStore store = open(MailboxFormat.RAW, Disk.FDATASYNC)) {
            store.awaitIndexed();
            assertHolds(store, ALICE, all);
            assertEquals(List.of(), hiddenFiles());
            assertTrue(IndexRewrite.pending(store.index().orElseThrow(), ALICE).isEmpty());
        }
    }

    @Test
    void withoutItsIndexAStoreCannotDeleteAndSaysWhy() throws Exception {
        try (MailboxStore store = new MailboxStore(directory, MailboxFormat.RAW, USERS, "localhost")) {
            store.createMailboxes();
            deliver(store, 1, ALICE);
            IOException e = assertThrows(IOException.class, () -> store.delete(List.of(1L)));
            assertTrue(e.getMessage().contains("message index") && e.getMessage().contains("not open"), e.getMessage());
            assertThrows(IOException.class, () -> store.clear(ALICE));
            assertArrayEquals(message(1), Files.readAllBytes(store.mailboxFile(ALICE)));
        }
    }

    /** What the process dying looks like to the code it was running. */
    private static final class Crash extends Error {
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }
}
