package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.IndexedMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite index: adding copies, paging newest first, searching, and forgetting what left a file. */
class MessageIndexTest {

    @TempDir
    Path directory;

    private static MessageIndex.NewEntry entry(String mailbox, long offset, long length, long received, String from,
                                               String subject, String body) {
        return new MessageIndex.NewEntry(new IndexedMessage(0, mailbox, offset, length, length,
                Instant.ofEpochMilli(received), "Q" + offset, 7, "127.0.0.1:4000", "client.test", from,
                List.of(mailbox), "Sender <" + from + ">", mailbox, "", subject, "", "<" + offset + "@x>"), body);
    }

    private static List<Long> offsets(List<IndexedMessage> messages) {
        return messages.stream().map(IndexedMessage::offset).toList();
    }

    @Test
    void pagesAreNewestFirstAndIdsSurviveReopening() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(entry("a@x", 0, 10, 1000, "s@y", "one", "first body"),
                    entry("a@x", 10, 20, 2000, "s@y", "two", "second body"),
                    entry("b@x", 0, 5, 3000, "t@y", "three", "third")), Map.of("a@x", 11L, "b@x", 12L));
            assertEquals(List.of(10L, 0L), offsets(index.newest("a@x", 0, 10)));
            assertEquals(List.of(0L), offsets(index.newest("a@x", 1, 10)));
            assertEquals(Map.of("a@x", 2L, "b@x", 1L), index.counts());
            index.checkpoint();
            index.checkpoint();
            assertEquals(Map.of("a@x", 2L, "b@x", 1L), index.counts(), "a checkpoint leaves the index as it was");
            assertEquals(new MessageIndex.MailboxState("a@x", 11, 30), index.state("a@x").orElseThrow());
        }
        assertTrue(Files.isRegularFile(directory.resolve(".smtp-monitor/index.db")));
        try (MessageIndex reopened = MessageIndex.open(directory)) {
            IndexedMessage newest = reopened.newest("a@x", 0, 1).get(0);
            assertEquals(newest, reopened.byId(newest.id()).orElseThrow());
            assertEquals("two", newest.subject());
            assertEquals(List.of("a@x"), newest.envelopeTo());
            assertEquals(Instant.ofEpochMilli(2000), newest.received());
        }
    }

    @Test
    void searchesByWordsFieldsAndDates() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(entry("a@x", 0, 10, 1000, "alice@y", "Invoice 42", "please pay the invoice"),
                    entry("a@x", 10, 10, 2000, "bob@y", "Lunch", "Résumé attached; the \"quote\" AND NOT syntax"),
                    entry("b@x", 0, 10, 3000, "bob@y", "Invoice 43", "overdue")), Map.of());
            assertEquals(List.of(0L, 0L), offsets(index.search(MessageIndex.Query.words(null, "invoice"), 0, 10)));
            assertEquals(List.of(0L), offsets(index.search(MessageIndex.Query.words("a@x", "invoice"), 0, 10)));
            assertEquals(List.of(10L), offsets(index.search(MessageIndex.Query.words(null, "resume"), 0, 10)),
                    "diacritics are folded");
            assertEquals(List.of(10L), offsets(index.search(MessageIndex.Query.words(null, "\"quote\" AND NOT"), 0, 10)),
                    "query syntax is taken as words");
            MessageIndex.Query bodyOnly = new MessageIndex.Query(null, null, null, null, "invoice", null, null, null);
            assertEquals(List.of(0L), offsets(index.search(bodyOnly, 0, 10)), "the subject alone does not match text");
            MessageIndex.Query fromBob = new MessageIndex.Query(null, "BOB@", null, null, null, null, null, null);
            assertEquals(2, index.search(fromBob, 0, 10).size());
            MessageIndex.Query toB = new MessageIndex.Query(null, null, "b@x", null, null, null, null, null);
            assertEquals(1, index.search(toB, 0, 10).size());
            MessageIndex.Query between = new MessageIndex.Query(null, null, null, "invoice", null, null,
                    Instant.ofEpochMilli(1500), Instant.ofEpochMilli(3500));
            assertEquals("Invoice 43", index.search(between, 0, 10).get(0).subject());
            MessageIndex.Query percent = new MessageIndex.Query(null, null, null, "%", null, null, null, null);
            assertEquals(List.of(), index.search(percent, 0, 10), "% is a character, not a wildcard");
        }
    }

    @Test
    void keepOnlyForgetsWhatIsNoLongerInTheFileAndEverythingOfAnotherFile() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(entry("a@x", 0, 10, 1, "s@y", "one", "alpha"), entry("a@x", 10, 10, 2, "s@y", "two", "beta"),
                    entry("a@x", 20, 10, 3, "s@y", "three", "gamma")), Map.of("a@x", 5L));
            index.keepOnly("a@x", 5, 25);
            assertEquals(List.of(10L, 0L), offsets(index.newest("a@x", 0, 10)));
            assertEquals(20, index.state("a@x").orElseThrow().indexedTo());
            assertEquals(List.of(), index.search(MessageIndex.Query.words(null, "gamma"), 0, 10));

            index.keepOnly("a@x", 6, 1000);
            assertEquals(List.of(), index.newest("a@x", 0, 10), "a replaced file: nothing of the old one is claimed");
            assertEquals(new MessageIndex.MailboxState("a@x", 6, 0), index.state("a@x").orElseThrow());
        }
    }

    @Test
    void copiesAddedByTheirPlaceAloneAreFoundByWordsOnceSummarized() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            MessageIndex.NewEntry place = entry("a@x", 0, 10, 1000, "s@y", "", null);
            index.add(List.of(place, entry("a@x", 10, 10, 2000, "s@y", "done", "already summarized")), Map.of());
            List<IndexedMessage> waiting = index.unsummarized(10);
            assertEquals(List.of(0L), offsets(waiting));
            assertEquals("", waiting.get(0).subject());
            assertEquals(List.of(), index.search(MessageIndex.Query.words(null, "parrot"), 0, 10));

            IndexedMessage w = waiting.get(0);
            IndexedMessage summarized = new IndexedMessage(w.id(), w.mailbox(), w.offset(), w.length(), 8, w.received(),
                    w.queueId(), w.sessionId(), w.client(), w.helo(), w.envelopeFrom(), w.envelopeTo(), "F <f@y>",
                    "a@x", "", "Norwegian Blue", "", "<1@y>");
            index.summarize(List.of(new MessageIndex.NewEntry(summarized, "a dead parrot")));
            index.summarize(List.of(new MessageIndex.NewEntry(summarized, "a dead parrot")));
            assertEquals(List.of(), index.unsummarized(10));
            List<IndexedMessage> found = index.search(MessageIndex.Query.words(null, "parrot"), 0, 10);
            assertEquals(List.of(0L), offsets(found), "found once, though summarized twice");
            assertEquals("Norwegian Blue", found.get(0).subject());
            assertEquals(8, found.get(0).size());
        }
    }

    /** The {@code messages} column of the mailbox table, as a user reads it with sqlite3. */
    private static Map<String, Long> countColumn(Path file) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT address, messages FROM mailbox ORDER BY address")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    @Test
    void eachMailboxKeepsItsCountAsCopiesAreAddedSummarizedAndForgotten() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(entry("a@x", 0, 10, 1, "s@y", "", null), entry("a@x", 10, 10, 2, "s@y", "two", "beta"),
                    entry("a@x", 20, 10, 3, "s@y", "", null), entry("b@x", 0, 10, 4, "s@y", "four", "delta")),
                    Map.of("a@x", 5L, "b@x", 6L));
            index.add(List.of(entry("b@x", 10, 10, 5, "s@y", "five", "epsilon")), Map.of("b@x", 6L));
            assertEquals(Map.of("a@x", 3L, "b@x", 2L), countColumn(index.file()));
            index.summarize(index.unsummarized(10).stream().map(m -> new MessageIndex.NewEntry(m, "words")).toList());
            assertEquals(Map.of("a@x", 3L, "b@x", 2L), countColumn(index.file()), "summarizing adds no copy");

            index.keepOnly("a@x", 5, 15);
            assertEquals(Map.of("a@x", 1L, "b@x", 2L), countColumn(index.file()));
            index.keepOnly("b@x", 7, 100);
            assertEquals(Map.of("a@x", 1L, "b@x", 0L), countColumn(index.file()), "b's file was replaced");
            assertEquals(Map.of("a@x", 1L), index.counts(), "only mailboxes that have messages");
        }
    }

    @Test
    void anIndexWrittenBeforeCountsWereKeptGetsThemWhenOpened() throws Exception {
        Path file = Files.createDirectories(directory.resolve(".smtp-monitor")).resolve("index.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            // The schema as the index first had it: no count in the mailbox table.
            statement.execute("CREATE TABLE mailbox (address TEXT PRIMARY KEY,"
                    + " identity INTEGER NOT NULL DEFAULT 0, indexed_to INTEGER NOT NULL DEFAULT 0)");
            statement.execute("CREATE TABLE message (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " mailbox TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,"
                    + " size INTEGER NOT NULL, received INTEGER NOT NULL, queue_id TEXT, session_id INTEGER,"
                    + " client TEXT, helo TEXT, envelope_from TEXT, envelope_to TEXT, header_from TEXT,"
                    + " header_to TEXT, header_cc TEXT, subject TEXT, header_date TEXT, message_id TEXT,"
                    + " summarized INTEGER NOT NULL DEFAULT 0)");
            statement.execute("INSERT INTO mailbox (address, identity, indexed_to) VALUES ('a@x', 5, 20), ('b@x', 6, 10)");
            statement.execute("INSERT INTO message (mailbox, offset, length, size, received) VALUES"
                    + " ('a@x', 0, 10, 10, 1), ('a@x', 10, 10, 10, 2), ('b@x', 0, 10, 10, 3)");
        }
        try (MessageIndex index = MessageIndex.open(directory)) {
            assertEquals(Map.of("a@x", 2L, "b@x", 1L), countColumn(file));
            index.add(List.of(entry("a@x", 20, 10, 4, "s@y", "", null)), Map.of("a@x", 5L));
            assertEquals(Map.of("a@x", 3L, "b@x", 1L), index.counts());
        }
        try (MessageIndex reopened = MessageIndex.open(directory)) {
            assertEquals(Map.of("a@x", 3L, "b@x", 1L), reopened.counts(), "counted once, not again at each open");
            // The bytes its rows cover were counted too: both mailboxes are known to be covered whole.
            assertEquals(0, reopened.uncovered("a@x").skipped());
            assertTrue(reopened.uncovered("b@x").gaps().isEmpty());
        }
    }

    private static MessageIndex.NewEntry arrived(MessageIndex.NewEntry entry, Arrival arrival) {
        IndexedMessage m = entry.message();
        return new MessageIndex.NewEntry(new IndexedMessage(m.id(), m.mailbox(), m.offset(), m.length(), m.size(),
                m.received(), m.queueId(), m.sessionId(), m.client(), m.helo(), m.envelopeFrom(), m.envelopeTo(),
                m.from(), m.to(), m.cc(), m.subject(), m.date(), m.messageId(), m.summarized(), false, arrival),
                entry.bodyText());
    }

    @Test
    void anIndexWrittenBeforeArrivalsWereKeptGainsTheColumnsAndItsRowsReadAsNotKnown() throws Exception {
        Path file = Files.createDirectories(directory.resolve(".smtp-monitor")).resolve("index.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            // The schema of the version before: counts and coverage, but not how each message arrived.
            statement.execute("CREATE TABLE mailbox (address TEXT PRIMARY KEY,"
                    + " identity INTEGER NOT NULL DEFAULT 0, indexed_to INTEGER NOT NULL DEFAULT 0,"
                    + " messages INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,"
                    + " skipped INTEGER NOT NULL DEFAULT 0)");
            statement.execute("CREATE TABLE message (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " mailbox TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,"
                    + " size INTEGER NOT NULL, received INTEGER NOT NULL, queue_id TEXT, session_id INTEGER,"
                    + " client TEXT, helo TEXT, envelope_from TEXT, envelope_to TEXT, header_from TEXT,"
                    + " header_to TEXT, header_cc TEXT, subject TEXT, header_date TEXT, message_id TEXT,"
                    + " summarized INTEGER NOT NULL DEFAULT 0)");
            statement.execute("INSERT INTO mailbox (address, identity, indexed_to, messages, bytes)"
                    + " VALUES ('a@x', 5, 10, 1, 10)");
            statement.execute("INSERT INTO message (mailbox, offset, length, size, received, queue_id, envelope_to,"
                    + " subject, summarized) VALUES ('a@x', 0, 10, 10, 1, 'OLD.1', 'a@x', 'old', 1)");
        }
        Arrival overTls = Arrival.of("TLSv1.3", "TLS_AES_128_GCM_SHA256", "PLAIN", "alice@example.com");
        Arrival inTheClear = Arrival.of("", "", "", "");
        try (MessageIndex index = MessageIndex.open(directory)) {
            IndexedMessage old = index.newest("a@x", 0, 1).get(0);
            assertEquals("old", old.subject());
            assertEquals(Arrival.UNKNOWN, old.arrival());
            index.add(List.of(arrived(entry("a@x", 10, 10, 2, "s@y", "", null), overTls),
                    arrived(entry("a@x", 20, 10, 3, "s@y", "summed", "words"), inTheClear)), Map.of("a@x", 5L));
        }
        try (MessageIndex reopened = MessageIndex.open(directory)) {
            List<IndexedMessage> all = reopened.newest("a@x", 0, 10);
            // A summarized copy is inserted at once, the places in one batch after: newest first, the place.
            assertEquals(List.of(overTls, inTheClear, Arrival.UNKNOWN), all.stream().map(IndexedMessage::arrival).toList(),
                    "added once, kept across an open; an empty value is 'none', not 'not known'");
            assertEquals(overTls, reopened.byId(all.get(0).id()).orElseThrow().arrival());
            assertEquals(inTheClear, reopened.search(MessageIndex.Query.words("a@x", "words"), 0, 10).get(0).arrival());
            reopened.summarize(reopened.unsummarized(10).stream().map(m -> new MessageIndex.NewEntry(m, "")).toList());
            assertEquals(overTls, reopened.byId(all.get(0).id()).orElseThrow().arrival(), "a summary keeps it");
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT tls_protocol, tls_cipher, auth_mechanism, auth_user"
                     + " FROM message ORDER BY id")) {
            List<String> seen = new ArrayList<>();
            while (rows.next()) {
                seen.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getString(4));
            }
            assertEquals(List.of("null null null null", "   ", "TLSv1.3 TLS_AES_128_GCM_SHA256 PLAIN alice@example.com"),
                    seen, "as a user reads them with sqlite3: NULL where not known");
        }
    }

    @Test
    void keepOnlyOfAFileThatStillHoldsEverythingIndexedForgetsNothing() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(entry("a@x", 0, 10, 1, "s@y", "one", "alpha"), entry("a@x", 10, 10, 2, "s@y", "two", "beta"),
                    entry("a@x", 20, 10, 3, "s@y", "three", "gamma")), Map.of("a@x", 5L));
            index.keepOnly("a@x", 5, 30);
            index.keepOnly("a@x", 5, 1000); // mail appended since, not indexed yet
            assertEquals(List.of(20L, 10L, 0L), offsets(index.newest("a@x", 0, 10)));
            assertEquals(Map.of("a@x", 3L), index.counts());
            assertEquals(new MessageIndex.MailboxState("a@x", 5, 30), index.state("a@x").orElseThrow());
            assertEquals(List.of(20L), offsets(index.search(MessageIndex.Query.words(null, "gamma"), 0, 10)));

            index.keepOnly("new@x", 7, 100);
            assertEquals(new MessageIndex.MailboxState("new@x", 7, 0), index.state("new@x").orElseThrow());
            assertEquals(Map.of("a@x", 3L), index.counts());
        }
    }

    @Test
    void bodyTextAndWordsTogetherPageNewestFirstWithinTheOtherConditions() throws Exception {
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(entry("a@x", 0, 10, 1000, "s@y", "report", "quarterly figures"),
                    entry("a@x", 10, 10, 2000, "s@y", "report", "quarterly figures again"),
                    entry("b@x", 0, 10, 3000, "s@y", "report", "quarterly figures"),
                    entry("a@x", 20, 10, 4000, "s@y", "note", "quarterly figures"),
                    entry("a@x", 30, 10, 5000, "s@y", "report", "yearly figures"),
                    entry("a@x", 40, 10, 6000, "s@y", "quarterly report", "figures")), Map.of());
            MessageIndex.Query query = new MessageIndex.Query("a@x", null, null, "report", "quarterly", "figures",
                    null, null);
            assertEquals(List.of(10L, 0L), offsets(index.search(query, 0, 10)),
                    "quarterly in the body, figures anywhere, in a@x, with report in the subject");
            assertEquals(List.of(10L), offsets(index.search(query, 0, 1)));
            assertEquals(List.of(0L), offsets(index.search(query, 1, 1)));
            assertEquals(List.of(), index.search(query, 2, 1));
            MessageIndex.Query allFigures = MessageIndex.Query.words(null, "figures");
            assertEquals(List.of(40L, 30L, 20L), offsets(index.search(allFigures, 0, 3)), "the newest page of six");
            assertEquals(List.of(0L, 10L, 0L), offsets(index.search(allFigures, 3, 3)));
        }
    }
}
