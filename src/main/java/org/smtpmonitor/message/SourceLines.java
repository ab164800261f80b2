package org.smtpmonitor.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message's stored bytes as rows of text for a source view that shows a few dozen at a time:
 * one row per line, a line longer than {@link #MAX_ROW_BYTES} continued on the rows after it
 * (so that no row costs more to draw than a screen can show). Counting the rows scans the bytes
 * once; a page of rows is then read from the nearest of the row starts noted every
 * {@link #CHECKPOINT} rows, so that a message of millions of short lines costs little memory.
 *
 * <p>A row is decoded by itself, as UTF-8 where it is valid UTF-8 and as windows-1252 where not
 * (a message's bytes have no one charset). Line ends are not part of the rows; nothing is escaped.
 */
public final class SourceLines {

    /** The most bytes of a line shown on one row; the rest follows on continuation rows. */
    public static final int MAX_ROW_BYTES = 2_000;
    /** The start of every this many rows is noted. */
    static final int CHECKPOINT = 256;

    /** One row: its text, and whether it goes on from the row before (a long line cut). */
    public record Row(String text, boolean continuation) {
    }

    private final byte[] bytes;
    private final int rows;
    /** Where row {@code k * CHECKPOINT} starts. */
    private final int[] checkpoints;

    private SourceLines(byte[] bytes, int rows, int[] checkpoints) {
        this.bytes = bytes;
        this.rows = rows;
        this.checkpoints = checkpoints;
    }

    /** Counts the rows of a message's source: one pass over its bytes. */
    public static SourceLines of(MessageSource source) {
        byte[] bytes = source.bytes();
        List<Integer> marks = new ArrayList<>();
        int count = 0;
        int at = 0;
        while (at < bytes.length) {
            if (count % CHECKPOINT == 0) {
                marks.add(at);
            }
            at = next(bytes, at);
            count++;
        }
        int[] checkpoints = marks.stream().mapToInt(Integer::intValue).toArray();
        return new SourceLines(bytes, count, checkpoints);
    }

    public int rows() {
        return rows;
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive), clipped to the rows there are. */
    public List<Row> rows(int from, int to) {
        int end = Math.min(to, rows);
        if (from < 0 || from >= end) {
            return List.of();
        }
        int row = from / CHECKPOINT * CHECKPOINT;
        int at = checkpoints[from / CHECKPOINT];
        while (row < from) {
            at = next(bytes, at);
            row++;
        }
        List<Row> result = new ArrayList<>(end - from);
        while (row < end) {
            int next = next(bytes, at);
            boolean continuation = at > 0 && bytes[at - 1] != '\n';
            result.add(new Row(text(at, next), continuation));
            at = next;
            row++;
        }
        return result;
    }

    /**
     * The text of these rows (ascending), as copied: one line each, but a row that goes on
     * from the row before it, when both are here, joins that line again, as it was sent.
     * Lines are joined by {@code \n}; the last has no line end.
     */
    public String text(List<Integer> ascendingRows) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < ascendingRows.size()) {
            // A run of consecutive rows is read in one go.
            int from = ascendingRows.get(i);
            int j = i + 1;
            while (j < ascendingRows.size() && ascendingRows.get(j) == ascendingRows.get(j - 1) + 1) {
                j++;
            }
            List<Row> run = rows(from, ascendingRows.get(j - 1) + 1);
            for (int k = 0; k < run.size(); k++) {
                boolean joinsTheRowBefore = k > 0 && run.get(k).continuation();
                if ((i > 0 || k > 0) && !joinsTheRowBefore) {
                    text.append('\n');
                }
                text.append(run.get(k).text());
            }
            i = j;
        }
        return text.toString();
    }

    /** Where the row after the one at {@code at} starts: after its line end, or where a long line is cut. */
    private static int next(byte[] bytes, int at) {
        int limit = Math.min(bytes.length, at + MAX_ROW_BYTES);
        for (int i = at; i < limit; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        if (limit == bytes.length) {
            return limit;
        }
        // A line of exactly the most bytes ends here, with its line end.
        if (bytes[limit] == '\n') {
            return limit + 1;
        }
        if (bytes[limit] == '\r' && limit + 1 < bytes.length && bytes[limit + 1] == '\n') {
            return limit + 2;
        }
        // Cut a long line, but not inside a UTF-8 sequence.
        int cut = limit;
        while (cut > at + 1 && (bytes[cut] & 0xc0) == 0x80) {
            cut--;
        }
        return cut;
    }

    /** The row's text without its line end. */
    private String text(int start, int end) {
        int stop = end;
        if (stop > start && bytes[stop - 1] == '\n') {
            stop--;
            if (stop > start && bytes[stop - 1] == '\r') {
                stop--;
            }
        }
        if (TextDecoder.isAscii(bytes, start, stop)) {
            return new String(bytes, start, stop - start, StandardCharsets.ISO_8859_1);
        }
        // Rows are never cut inside a character, so one that ends in a part of one is not UTF-8.
        return new String(bytes, start, stop - start,
                TextDecoder.isUtf8(bytes, start, stop) ? StandardCharsets.UTF_8 : TextDecoder.LEGACY);
    }
}
