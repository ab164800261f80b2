package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MessageSummaryTest {

    private static MessageSummary parse(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return MessageSummary.parse(0, bytes.length, bytes, bytes.length);
    }

    @Test
    void readsTheShownHeadersAndUnfoldsContinuationLines() {
        MessageSummary summary = parse("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\n"
                + "Subject: a long\r\n\tsubject line\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\nbody\r\n");
        assertEquals("Alice <alice@example.com>", summary.from());
        assertEquals("bob@example.com", summary.to());
        assertEquals("a long subject line", summary.subject());
        assertEquals("Tue, 24 Nov 2026 09:00:00 +0000", summary.date());
    }

    @Test
    void stopsAtTheBlankLineThatEndsTheHeaders() {
        assertEquals("real", parse("Subject: real\r\n\r\nSubject: in the body\r\nFrom: nobody\r\n").subject());
        assertEquals("", parse("X-Other: 1\r\n\r\nSubject: in the body\r\n").subject());
        assertEquals("", parse("\r\nSubject: a body that starts the message\r\n").subject());
    }

    @Test
    void takesBareLineFeedsAndHeadersThatRunToTheEndOfTheBytes() {
        assertEquals("unix", parse("To: x@example.com\nSubject: unix\n\nSubject: body\n").subject());
        assertEquals("cut off", parse("From: a@example.com\r\nSubject: cut off").subject());
        assertEquals("last", parse("Subject: last\r\n").subject());
    }

    @Test
    void headerEndIsTheStartOfTheBlankLine() {
        byte[] crlf = "A: 1\r\nB: 2\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(12, MessageSummary.headerEnd(crlf, crlf.length));
        byte[] lf = "A: 1\n\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(5, MessageSummary.headerEnd(lf, lf.length));
        byte[] none = "A: 1\r\nB: 2\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(none.length, MessageSummary.headerEnd(none, none.length));
    }
}
