package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageOrder;
import org.smtpmonitor.message.MessageOrder.Key;

/** The index lists in the order asked, page after page, and keeps which messages were read. */
class MessageOrderAndReadMarksTest {

    @TempDir
    Path directory;

    /** A copy at {@code offset} of a@x (its queue id is {@code Q<offset>}), with these sort keys. */
    private static MessageIndex.NewEntry entry(long offset, String sender, String from, String subject, long size) {
        return new MessageIndex.NewEntry(new IndexedMessage(0, "a@x", offset, 1, size, Instant.ofEpochMilli(offset),
                "Q" + offset, 1, "127.0.0.1:4000", "client.test", sender, List.of("a@x"), from, "a@x", "", subject, "",
                "<" + offset + "@x>"), "words " + subject);
    }

    /** Seven messages at offsets 0 to 6, with ties in every key and subjects in mixed case. */
    private static MessageIndex filled(Path directory) throws Exception {
        MessageIndex index = MessageIndex.open(directory);
        index.add(List.of(entry(0, "zed@y", "Zed <z@y>", "banana", 300),
                entry(1, "Amy@y", "amy <a@y>", "Apple", 100),
                entry(2, "bob@y", "Bob <b@y>", "cherry", 300),
                entry(3, "amy@y", "Amy <a@y>", "apple", 50),
                entry(4, "bob@y", "bob <b@y>", "Banana split", 700),
                entry(5, "carl@y", "Carl <c@y>", "", 100),
                entry(6, "amy@y", "Amy <a@y>", "date", 10)), Map.of("a@x", 1L));
        index.add(List.of(new MessageIndex.NewEntry(new IndexedMessage(0, "b@x", 0, 10, 1, Instant.EPOCH, "Q0", 1, "",
                "", "other@y", List.of("b@x"), "", "b@x", "", "apple", "", ""), "")), Map.of("b@x", 2L));
        return index;
    }

    private static List<Long> offsets(List<IndexedMessage> messages) {
        return messages.stream().map(IndexedMessage::offset).toList();
    }

    /** The whole mailbox in {@code order}, fetched {@code page} at a time. */
    private static List<Long> paged(MessageIndex index, MessageOrder order, int page) throws Exception {
        List<Long> all = new ArrayList<>();
        for (int skip = 0; ; skip += page) {
            List<IndexedMessage> some = index.list("a@x", order, skip, page);
            all.addAll(offsets(some));
            if (some.size() < page) {
                return all;
            }
        }
    }

    @Test
    void eachKeySortsAscendingAndDescendingTiesInTheOrderStoredAndPagesNeitherOverlapNorSkip() throws Exception {
        try (MessageIndex index = filled(directory)) {
            Map<MessageOrder, List<Long>> expected = Map.of(
                    new MessageOrder(Key.SUBJECT, false), List.of(5L, 1L, 3L, 0L, 4L, 2L, 6L),
                    new MessageOrder(Key.SUBJECT, true), List.of(6L, 2L, 4L, 0L, 3L, 1L, 5L),
                    new MessageOrder(Key.SIZE, false), List.of(6L, 3L, 1L, 5L, 0L, 2L, 4L),
                    new MessageOrder(Key.SIZE, true), List.of(4L, 2L, 0L, 5L, 1L, 3L, 6L),
                    new MessageOrder(Key.ENVELOPE_FROM, false), List.of(1L, 3L, 6L, 2L, 4L, 5L, 0L),
                    new MessageOrder(Key.FROM, true), List.of(0L, 5L, 4L, 2L, 6L, 3L, 1L),
                    new MessageOrder(Key.RECEIVED, false), List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L),
                    MessageOrder.NEWEST_FIRST, List.of(6L, 5L, 4L, 3L, 2L, 1L, 0L));
            for (Map.Entry<MessageOrder, List<Long>> order : expected.entrySet()) {
                assertEquals(order.getValue(), offsets(index.list("a@x", order.getKey(), 0, 100)), order.getKey() + "");
                assertEquals(order.getValue(), paged(index, order.getKey(), 2), order.getKey() + " in pages of 2");
                assertEquals(order.getValue(), paged(index, order.getKey(), 3), order.getKey() + " in pages of 3");
            }
        }
    }

    @Test
    void aSearchIsSortedTooWordsOrNot() throws Exception {
        try (MessageIndex index = filled(directory)) {
            MessageIndex.Query words = MessageIndex.Query.words("a@x", "words");
            assertEquals(List.of(4L, 2L, 0L, 5L, 1L, 3L, 6L),
                    offsets(index.search(words, new MessageOrder(Key.SIZE, true), 0, 10)));
            assertEquals(List.of(2L, 0L, 5L), offsets(index.search(words, new MessageOrder(Key.SIZE, true), 1, 3)));
            MessageIndex.Query amy = new MessageIndex.Query(null, "amy", null, null, null, null, null, null);
            assertEquals(List.of(1L, 3L, 6L), offsets(index.search(amy, new MessageOrder(Key.SUBJECT, false), 0, 10)));
            MessageIndex.Query apple = MessageIndex.Query.words(null, "apple");
            List<IndexedMessage> bothMailboxes = index.search(apple, new MessageOrder(Key.SIZE, false), 0, 10);
            assertEquals(List.of("b@x", "a@x", "a@x"), bothMailboxes.stream().map(IndexedMessage::mailbox).toList());
        }
    }

    @Test
    void aMessagesPositionIsWhereTheListShowsIt() throws Exception {
        try (MessageIndex index = filled(directory)) {
            for (Key key : Key.values()) {
                for (boolean descending : new boolean[] {false, true}) {
                    MessageOrder order = new MessageOrder(key, descending);
                    List<IndexedMessage> listed = index.list("a@x", order, 0, 100);
                    for (int i = 0; i < listed.size(); i++) {
                        assertEquals(i, MessageOrders.position(index, "a@x", order, listed.get(i).id()), order + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void aDeliveryIsFoundByItsQueueIdInEachRecipientsMailbox() throws Exception {
        try (MessageIndex index = filled(directory)) {
            assertEquals(3, index.byQueueId("a@x", "Q3").orElseThrow().offset());
            IndexedMessage bobs = index.byQueueId("b@x", "Q0").orElseThrow();
            assertEquals("b@x", bobs.mailbox());
            assertEquals("apple", bobs.subject());
            assertTrue(index.byQueueId("a@x", "Q99").isEmpty());
            assertTrue(index.byQueueId("c@x", "Q0").isEmpty());
        }
    }

    private static long marks(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM message_read")) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * Counting the read messages reads the marks, not the messages: SQLite's plan walks
     * {@code message_read} and looks each message up by its id. (Walking every message of
     * a million for a GROUP BY cost each count of the mailboxes 0.1 s.)
     */
    @Test
    void readCountsWalkTheMarksNotTheMessages() throws Exception {
        List<String> plan = new ArrayList<>();
        try (MessageIndex index = filled(directory);
             Connection connection = DriverManager.getConnection("jdbc:sqlite:" + index.file());
             ResultSet rows = connection.createStatement().executeQuery("EXPLAIN QUERY PLAN " + ReadMarks.READ_COUNTS)) {
            while (rows.next()) {
                plan.add(rows.getString("detail"));
            }
        }
        assertEquals("SCAN message_read", plan.get(0), String.join("\n", plan));
        assertTrue(plan.get(1).startsWith("SEARCH message USING INTEGER PRIMARY KEY"), String.join("\n", plan));
    }

    @Test
    void aMessageIsUnreadUntilMarkedAndStaysReadAcrossAReopenUntilItIsDeleted() throws Exception {
        long third;
        try (MessageIndex index = filled(directory)) {
            List<IndexedMessage> listed = index.newest("a@x", 0, 100);
            assertTrue(listed.stream().noneMatch(IndexedMessage::read), "nothing is read at first");
            third = index.byQueueId("a@x", "Q3").orElseThrow().id();
            long sixth = index.byQueueId("a@x", "Q6").orElseThrow().id();
            ReadMarks.markRead(index, List.of(third, sixth, 9_999L));
            ReadMarks.markRead(index, List.of(third));
            assertEquals(Map.of("a@x", 2L), ReadMarks.readCounts(index), "twice read counts once; no such id, none");
            assertTrue(index.byId(third).orElseThrow().read());
            assertEquals(List.of(6L, 3L), offsets(index.newest("a@x", 0, 100).stream().filter(IndexedMessage::read)
                    .toList()));
            assertEquals(List.of(3L), offsets(index.search(MessageIndex.Query.words(null, "apple"),
                    MessageOrder.NEWEST_FIRST, 0, 10).stream().filter(IndexedMessage::read).toList()));
        }
        try (MessageIndex reopened = MessageIndex.open(directory)) {
            assertTrue(reopened.byId(third).orElseThrow().read(), "kept in the index");
            reopened.keepOnly("a@x", 1, 5); // the messages at 5 and 6 are gone from the file
            assertEquals(Map.of("a@x", 1L), ReadMarks.readCounts(reopened));
            assertEquals(1, marks(reopened.file()), "a deleted message's mark goes with it");
        }
    }

    @Test
    void anIndexWrittenBeforeReadMarksGainsThemWhenOpenedWithEveryMessageUnread() throws Exception {
        Path file;
        try (MessageIndex index = filled(directory)) {
            file = index.file();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER message_read_forget");
            statement.execute("DROP TABLE message_read");
        }
        try (MessageIndex index = MessageIndex.open(directory)) {
            assertFalse(index.newest("a@x", 0, 1).get(0).read());
            long id = index.newest("a@x", 0, 1).get(0).id();
            ReadMarks.markRead(index, List.of(id));
            assertTrue(index.byId(id).orElseThrow().read());
            index.keepOnly("a@x", 1, 0);
            assertEquals(0, marks(file), "the trigger is back too");
        }
    }
}
