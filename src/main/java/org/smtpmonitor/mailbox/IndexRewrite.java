package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the {@link MessageIndex} does when a mailbox file is rewritten without some of its
 * messages: the rewrite is noted (durably) before the new file takes the mailbox's name,
 * and carried out in the index after, in one transaction: the rows of what was cut are
 * deleted, the rows after each cut move up by the bytes cut before them, and the mailbox
 * is noted as the new file. A crash between the two leaves the note, and the next start
 * finishes the rewrite in the index if the new file is in place, or forgets it if not
 * ({@link #recover}): either way the index matches the file, and every kept message keeps
 * its id.
 */
final class IndexRewrite {

    /** Where a message lies: its mailbox, and its bytes in the file. */
    record Place(long id, String mailbox, long offset, long length) {
    }

    /** A rewrite of {@code mailbox}'s file {@code fromIdentity} into {@code toIdentity}, less {@code cuts}. */
    record Pending(String mailbox, long fromIdentity, long toIdentity, Cuts cuts) {
    }

    /** Whether the row's offset lies in a cut; uses the temporary table {@code cut}. */
    private static final String IN_CUT = "(SELECT cut_end FROM temp.cut WHERE cut_start <= message.offset"
            + " ORDER BY cut_start DESC LIMIT 1) > message.offset";
    private static final int IDS_A_QUERY = 500;

    private IndexRewrite() {
    }

    /** The places of those of {@code ids} the index knows. */
    static List<Place> places(MessageIndex index, Collection<Long> ids) throws IOException {
        List<Long> all = List.copyOf(ids);
        List<Place> places = new ArrayList<>();
        for (int from = 0; from < all.size(); from += IDS_A_QUERY) {
            List<Long> some = all.subList(from, Math.min(all.size(), from + IDS_A_QUERY));
            places.addAll(index.transaction("read", connection -> {
                String marks = "?,".repeat(some.size());
                List<Place> found = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement("SELECT id, mailbox, offset, length"
                        + " FROM message WHERE id IN (" + marks.substring(0, marks.length() - 1) + ")")) {
                    for (int i = 0; i < some.size(); i++) {
                        query.setLong(i + 1, some.get(i));
                    }
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            found.add(new Place(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getLong(4)));
                        }
                    }
                }
                return found;
            }));
        }
        return places;
    }

    /** The bytes of every message the index knows in {@code address}'s file. */
    static Cuts everything(MessageIndex index, String address) throws IOException {
        return index.transaction("read", connection -> {
            List<long[]> ranges = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT offset, offset + length FROM message WHERE mailbox = ? ORDER BY offset")) {
                query.setString(1, address);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        long start = rows.getLong(1);
                        long end = rows.getLong(2);
                        // Messages follow one another: one range for a run of them keeps the list short.
                        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] >= start) {
                            long[] last = ranges.get(ranges.size() - 1);
                            last[1] = Math.max(last[1], end);
                        } else {
                            ranges.add(new long[] {start, end});
                        }
                    }
                }
            }
            return Cuts.of(ranges);
        });
    }

    /** Gives {@code sink} the place of every message the index knows in {@code address}'s file, in file order. */
    static void forEachPlace(MessageIndex index, String address, AppendJournal.Places.Sink sink) throws IOException {
        index.transaction("read", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT offset, offset + length FROM message WHERE mailbox = ? ORDER BY offset")) {
                query.setString(1, address);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        sink.place(rows.getLong(1), rows.getLong(2));
                    }
                }
            }
            return null;
        });
    }

    /** Notes the rewrite, so that a crash after the new file takes the name can be finished at the next start. */
    static void begin(MessageIndex index, Pending rewrite) throws IOException {
        index.durableTransaction("note a rewrite of " + rewrite.mailbox() + " in", connection -> {
            try (PreparedStatement note = connection.prepareStatement("INSERT OR REPLACE INTO rewrite (mailbox,"
                    + " from_identity, to_identity, cuts) VALUES (?,?,?,?)")) {
                note.setString(1, rewrite.mailbox());
                note.setLong(2, rewrite.fromIdentity());
                note.setLong(3, rewrite.toIdentity());
                note.setString(4, rewrite.cuts().encode());
                note.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets a rewrite that did not happen. */
    static void cancel(MessageIndex index, String address) throws IOException {
        index.transaction("forget a rewrite in", connection -> {
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM rewrite WHERE mailbox = ?")) {
                forget.setString(1, address);
                forget.executeUpdate();
            }
            return null;
        });
    }

    static Optional<Pending> pending(MessageIndex index, String address) throws IOException {
        return index.transaction("read", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT from_identity, to_identity, cuts FROM rewrite WHERE mailbox = ?")) {
                query.setString(1, address);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(new Pending(address, row.getLong(1), row.getLong(2),
                            Cuts.decode(row.getString(3)))) : Optional.empty();
                }
            }
        });
    }

    /**
     * Makes the index follow the rewritten file, and forgets the note; returns how many
     * messages were cut.
     */
    static int finish(MessageIndex index, Pending rewrite) throws IOException {
        return index.transaction("follow the rewrite of " + rewrite.mailbox() + " in", connection -> {
            Cuts cuts = rewrite.cuts();
            String address = rewrite.mailbox();
            int deleted = 0;
            if (!cuts.isEmpty()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TEMP TABLE IF NOT EXISTS cut (cut_start INTEGER PRIMARY KEY,"
                            + " cut_end INTEGER NOT NULL, shift INTEGER NOT NULL)");
                    statement.execute("DELETE FROM temp.cut");
                }
                try (PreparedStatement cut = connection.prepareStatement("INSERT INTO temp.cut VALUES (?,?,?)")) {
                    for (int i = 0; i < cuts.count(); i++) {
                        cut.setLong(1, cuts.start(i));
                        cut.setLong(2, cuts.end(i));
                        cut.setLong(3, cuts.through(i));
                        cut.addBatch();
                    }
                    cut.executeBatch();
                }
                long deletedBytes;
                try (PreparedStatement bytes = connection.prepareStatement("SELECT coalesce(sum(length), 0)"
                        + " FROM message WHERE mailbox = ? AND offset >= ? AND " + IN_CUT)) {
                    bytes.setString(1, address);
                    bytes.setLong(2, cuts.start(0));
                    try (ResultSet row = bytes.executeQuery()) {
                        row.next();
                        deletedBytes = row.getLong(1);
                    }
                }
                // FTS5 deletes its words by rowid: first those of the rows about to go.
                try (PreparedStatement words = connection.prepareStatement("DELETE FROM message_text WHERE rowid IN"
                        + " (SELECT id FROM message WHERE mailbox = ? AND offset >= ? AND " + IN_CUT + ")");
                     PreparedStatement rows = connection.prepareStatement(
                             "DELETE FROM message WHERE mailbox = ? AND offset >= ? AND " + IN_CUT)) {
                    for (PreparedStatement delete : List.of(words, rows)) {
                        delete.setString(1, address);
                        delete.setLong(2, cuts.start(0));
                    }
                    words.executeUpdate();
                    deleted = rows.executeUpdate();
                }
                index.count(address, -deleted, -deletedBytes);
                // One pass over the mailbox's rows, each finding the cuts before it by the table's key.
                try (PreparedStatement shift = connection.prepareStatement("UPDATE message SET offset = offset -"
                        + " (SELECT shift FROM temp.cut WHERE cut_start < message.offset ORDER BY cut_start DESC"
                        + " LIMIT 1) WHERE mailbox = ? AND offset >= ?")) {
                    shift.setString(1, address);
                    shift.setLong(2, cuts.end(0));
                    shift.executeUpdate();
                }
            }
            long indexedTo = 0;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT indexed_to FROM mailbox WHERE address = ?")) {
                query.setString(1, address);
                try (ResultSet row = query.executeQuery()) {
                    if (row.next()) {
                        indexedTo = row.getLong(1);
                    }
                }
            }
            try (PreparedStatement state = connection.prepareStatement("INSERT INTO mailbox (address, identity,"
                    + " indexed_to) VALUES (?,?,?) ON CONFLICT (address) DO UPDATE SET identity = excluded.identity,"
                    + " indexed_to = excluded.indexed_to");
                 PreparedStatement forget = connection.prepareStatement("DELETE FROM rewrite WHERE mailbox = ?")) {
                state.setString(1, address);
                state.setLong(2, rewrite.toIdentity());
                state.setLong(3, cuts.shifted(indexedTo));
                state.executeUpdate();
                forget.setString(1, address);
                forget.executeUpdate();
            }
            return deleted;
        });
    }

    /**
     * At start, before the index is reconciled with the file: finishes a rewrite of
     * {@code address} whose new file ({@code identity}) took the name before a crash, or
     * forgets one whose file never did.
     */
    static void recover(MessageIndex index, String address, long identity) throws IOException {
        Optional<Pending> pending = pending(index, address);
        if (pending.isEmpty()) {
            return;
        }
        if (pending.get().toIdentity() == identity) {
            finish(index, pending.get());
        } else {
            cancel(index, address);
        }
    }
}
