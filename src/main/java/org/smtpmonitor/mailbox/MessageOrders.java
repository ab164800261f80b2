package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.smtpmonitor.message.MessageOrder;

/**
 * The orders of {@link MessageOrder} in SQL. Newest first follows the message table's key;
 * the other columns have no index of their own: each would cost every delivery (measured on
 * 100,000 rows in batches as the index writer makes them: an index of the size made the
 * inserts 2.5 times slower, indexes of the four columns made the summaries over ten times
 * slower), while a sort of the 100,000 messages of a mailbox takes about 60 ms, off the FX
 * thread. Ties keep the order stored, in the same direction, so that pages never overlap.
 */
public final class MessageOrders {

    private MessageOrders() {
    }

    /** {@code ORDER BY} for {@code order}, with {@code id} (the message's key in the query) to break ties. */
    static String orderBy(MessageOrder order, String id) {
        String direction = order.descending() ? " DESC" : " ASC";
        String key = order.key() == MessageOrder.Key.RECEIVED ? "" : column(order.key()) + direction + ", ";
        return " ORDER BY " + key + id + direction;
    }

    /** The column of the message table that {@code key} compares, texts ignoring the case of ASCII letters. */
    private static String column(MessageOrder.Key key) {
        return switch (key) {
            case RECEIVED -> "message.id";
            case ENVELOPE_FROM -> "message.envelope_from COLLATE NOCASE";
            case FROM -> "message.header_from COLLATE NOCASE";
            case SUBJECT -> "message.subject COLLATE NOCASE";
            case SIZE -> "message.size";
        };
    }

    /**
     * How many messages of the mailbox of {@code address} come before message {@code id} when
     * it is listed in {@code order}: where a list must reach to show it.
     */
    public static long position(MessageIndex index, String address, MessageOrder order, long id) throws IOException {
        String before = order.descending() ? ">" : "<";
        String sql;
        if (order.key() == MessageOrder.Key.RECEIVED) {
            sql = "SELECT count(*) FROM message WHERE mailbox = ?1 AND id " + before + " ?2";
        } else {
            String key = column(order.key());
            String its = "(SELECT " + key + " FROM message WHERE id = ?2)";
            sql = "SELECT count(*) FROM message WHERE mailbox = ?1 AND (" + key + " " + before + " " + its
                    + " OR " + key + " = " + its + " AND id " + before + " ?2)";
        }
        return index.transaction("read", connection -> {
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setString(1, address);
                query.setLong(2, id);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }
}
