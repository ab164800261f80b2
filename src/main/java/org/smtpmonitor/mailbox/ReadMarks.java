package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which messages the window has shown, kept in the index's {@code message_read} table: a
 * message is unread until then. A mark goes with its message when that is deleted (a
 * trigger), and all go when the index is built again: the mailbox files do not record them.
 */
public final class ReadMarks {

    /**
     * The read messages of each mailbox. CROSS JOIN makes SQLite read the marks and look each
     * message up, whatever its planner thinks: a plain JOIN let it walk every message of the
     * index (for its GROUP BY) and look up a mark for each, 0.1 s at a million messages on
     * each count of the mailboxes, with not one message read.
     */
    static final String READ_COUNTS = "SELECT message.mailbox, count(*) FROM message_read"
            + " CROSS JOIN message ON message.id = message_read.id GROUP BY message.mailbox";

    private ReadMarks() {
    }

    /** Marks these messages read; ids no longer in the index are passed over. */
    public static void markRead(MessageIndex index, Collection<Long> ids) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        index.transaction("mark " + ids.size() + " messages read in", connection -> {
            try (PreparedStatement mark = connection.prepareStatement(
                    "INSERT OR IGNORE INTO message_read (id) SELECT id FROM message WHERE id = ?")) {
                for (long id : ids) {
                    mark.setLong(1, id);
                    mark.addBatch();
                }
                mark.executeBatch();
            }
            return null;
        });
    }

    /** How many messages of each mailbox have been read; a mailbox with none is left out. */
    public static Map<String, Long> readCounts(MessageIndex index) throws IOException {
        return index.transaction("count the read messages of", connection -> {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(READ_COUNTS);
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            return counts;
        });
    }
}
