package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class BenchMessageTest {

    private static final List<String> TO = List.of("alice@example.com");

    private static String text(BenchMessage message) {
        return new String(message.bytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void everySizeFromTheMinimumUpIsExactAndEndsWithCrlf() {
        int minimum = BenchMessage.minimumSize("bench@localhost", TO, "run1", 1000);
        for (int size = minimum; size < minimum + 400; size++) {
            BenchMessage message = BenchMessage.build(size, "bench@localhost", TO, "run1", 1000);
            assertEquals(size, message.size(), "size " + size);
            String text = text(message);
            assertTrue(text.endsWith("\r\n"), "size " + size);
            assertFalse(text.replace("\r\n", "").contains("\r") || text.replace("\r\n", "").contains("\n"),
                    "bare CR or LF at size " + size);
        }
        assertEquals(1024, BenchMessage.build(1024, "bench@localhost", TO, "run1", 1000).size());
        assertEquals(100 * 1024, BenchMessage.build(100 * 1024, "bench@localhost", TO, "run1", 1000).size());
    }

    @Test
    void headersComeFirstThenBodyLinesOfAboutSeventySixCharacters() {
        String text = text(BenchMessage.build(1024, "bench@localhost", List.of("a@x", "b@x"), "k3x9", 50_000));
        String[] parts = text.split("\r\n\r\n", 2);
        assertTrue(parts[0].matches("From: <bench@localhost>\r\nTo: <a@x>, <b@x>\r\nSubject: smtp-monitor bench\r\n"
                + "Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4}"
                + " \\d\\d:\\d\\d:\\d\\d \\+0000\r\n"
                + "Message-ID: <k3x9-00001@smtp-monitor\\.bench>\r\nX-Bench-Id: k3x9-00001"), parts[0]);
        for (String line : parts[1].split("\r\n")) {
            assertTrue(line.length() <= BenchMessage.LINE_LENGTH + 1, line);
        }
    }

    @Test
    void eachMessageHasTheHeadersOurOwnClientCheckAsksForAndItsOwnMessageId() {
        BenchMessage message = BenchMessage.build(1024, "bench@localhost", TO, "k3x9", 50_000);
        message.setId(4711);
        byte[] bytes = message.bytes();
        assertEquals(List.of(), org.smtpmonitor.smtp.HeaderScan.missing(bytes, bytes.length),
                "the server's check finds Date, From and Message-ID");
        String text = text(message);
        assertTrue(text.contains("\r\nMessage-ID: <k3x9-04711@smtp-monitor.bench>\r\nX-Bench-Id: k3x9-04711\r\n"), text);
    }

    @Test
    void noBodyLineStartsWithADotOrFrom() {
        String text = text(BenchMessage.build(200_000, "bench@localhost", TO, "run1", 9));
        for (String line : text.split("\r\n", -1)) {
            assertFalse(line.startsWith("."), line);
            assertFalse(line.startsWith("From "), line);
        }
    }

    @Test
    void dotStuffingLeavesTheMessageAsBuilt() throws IOException {
        BenchMessage message = BenchMessage.build(5000, "bench@localhost", TO, "run1", 9);
        ByteArrayOutputStream stuffed = new ByteArrayOutputStream();
        DotStuffing.write(message.bytes(), 0, message.size(), stuffed);
        assertEquals(text(message), stuffed.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void theIdIsPatchedInPlaceZeroPaddedToTheWidthOfTheLast() {
        BenchMessage message = BenchMessage.build(1024, "bench@localhost", TO, "abc", 12_345);
        java.nio.ByteBuffer buffer = message.buffer();
        assertTrue(text(message).contains("\r\nX-Bench-Id: abc-00001\r\n\r\n"));
        message.setId(12_345);
        assertTrue(text(message).contains("\r\nX-Bench-Id: abc-12345\r\n\r\n"));
        message.setId(407);
        assertTrue(text(message).contains("\r\nX-Bench-Id: abc-00407\r\n\r\n"));
        assertTrue(buffer == message.buffer(), "the same buffer, patched");
        assertEquals(1024, message.size());
        assertThrows(IllegalArgumentException.class, () -> message.setId(123_456));
    }

    @Test
    void aCopyHasItsOwnBytes() {
        BenchMessage message = BenchMessage.build(1024, "bench@localhost", TO, "abc", 99);
        BenchMessage copy = message.copy();
        copy.setId(42);
        assertTrue(text(copy).contains("X-Bench-Id: abc-42\r\n"));
        assertTrue(text(message).contains("X-Bench-Id: abc-01\r\n"));
        assertNotEquals(text(message), text(copy));
    }

    @Test
    void aSizeSmallerThanTheHeadersIsRefusedSayingTheMinimum() {
        int minimum = BenchMessage.minimumSize("bench@localhost", TO, "run1", 1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchMessage.build(minimum - 1, "bench@localhost", TO, "run1", 1000));
        assertEquals("--size: " + (minimum - 1) + " bytes is too small: the headers alone take " + minimum + " bytes",
                e.getMessage());
    }
}
