package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.message.SourceLines.Row;

class SourceLinesTest {

    private static SourceLines lines(byte[] bytes) {
        return SourceLines.of(new MessageSource(bytes));
    }

    private static List<String> texts(SourceLines lines) {
        return lines.rows(0, lines.rows()).stream().map(Row::text).toList();
    }

    @Test
    void oneRowPerLineWhateverTheLineEndAndTheLastLineWithOrWithoutOne() {
        assertEquals(List.of("a", "", "b", "c"), texts(lines("a\r\n\r\nb\nc\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(List.of("a", "b"), texts(lines("a\nb".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, lines(new byte[0]).rows());
    }

    @Test
    void aLongLineGoesOnOnContinuationRowsWithoutCuttingACharacter() {
        String line = "\u00e9".repeat(SourceLines.MAX_ROW_BYTES); // two bytes each
        SourceLines lines = lines((line + "\r\nend\r\n").getBytes(StandardCharsets.UTF_8));
        List<Row> rows = lines.rows(0, lines.rows());
        assertEquals(List.of(false, true, false), rows.stream().map(Row::continuation).toList());
        assertEquals(line, rows.get(0).text() + rows.get(1).text(), "every character whole, on one row or the next");
        assertEquals("end", rows.get(2).text());

        String exact = "x".repeat(SourceLines.MAX_ROW_BYTES);
        assertEquals(List.of(exact, "y"), texts(lines((exact + "\r\ny").getBytes(StandardCharsets.US_ASCII))),
                "a line of exactly the most bytes keeps its line end");
    }

    @Test
    void aPageReadFromTheMiddleIsTheSameAsReadFromTheStart() {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String line = "line " + i + (i % 7 == 0 ? " " + "z".repeat(SourceLines.MAX_ROW_BYTES) : "");
            text.append(line).append("\r\n");
        }
        SourceLines lines = lines(text.toString().getBytes(StandardCharsets.US_ASCII));
        List<Row> all = lines.rows(0, lines.rows());
        assertEquals(1_000 + 143, lines.rows());
        assertEquals(all.subList(300, 700), lines.rows(300, 700));
        assertEquals(all.subList(lines.rows() - 5, lines.rows()), lines.rows(lines.rows() - 5, lines.rows() + 50));
        assertEquals(List.of(), lines.rows(lines.rows(), lines.rows() + 1));
    }

    @Test
    void eightBitRowsReadAsUtf8WhereTheyAreAndAsWindows1252WhereNot() {
        byte[] bytes = {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, '\n', 'c', 'a', 'f', (byte) 0xe9};
        assertEquals(List.of("caf\u00e9", "caf\u00e9"), texts(lines(bytes)));
    }

    @Test
    void copiedRowsAreTheirLinesWithALongLineWholeAgain() {
        String line = "\u00e9".repeat(SourceLines.MAX_ROW_BYTES); // two bytes each: two rows
        SourceLines lines = lines(("Subject: x\r\n" + line + "\r\nend\r\nlast").getBytes(StandardCharsets.UTF_8));
        assertEquals(5, lines.rows());
        assertEquals("Subject: x\n" + line + "\nend\nlast", lines.text(List.of(0, 1, 2, 3, 4)));
        assertEquals(line, lines.text(List.of(1, 2)), "a line cut in two rows is copied whole");
        assertEquals("Subject: x\nend", lines.text(List.of(0, 3)), "rows apart, lines apart");
        assertEquals(lines.rows(2, 3).get(0).text() + "\nlast", lines.text(List.of(2, 4)),
                "a continuation row alone starts a line of its own");
        assertEquals("", lines.text(List.of()));
    }
}
