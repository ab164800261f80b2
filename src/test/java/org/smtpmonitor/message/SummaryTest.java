package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SummaryTest {

    private static Summary parse(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return Summary.parse(bytes, bytes.length, bytes.length);
    }

    @Test
    void readsTheShownHeadersAndUnfoldsContinuationLines() {
        Summary summary = parse("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\n"
                + "Subject: a long\r\n\tsubject line\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\nbody\r\n");
        assertEquals("Alice <alice@example.com>", summary.from());
        assertEquals("bob@example.com", summary.to());
        assertEquals("a long subject line", summary.subject());
        assertEquals("Tue, 24 Nov 2026 09:00:00 +0000", summary.date());
    }

    @Test
    void readsCcAndMessageIdAndTakesTheSizeGiven() {
        byte[] bytes = "Cc: =?UTF-8?Q?Ren=C3=A9?= <rene@example.com>\r\nMessage-ID: <1@example.com>\r\n\r\nx"
                .getBytes(StandardCharsets.US_ASCII);
        Summary summary = Summary.parse(bytes, bytes.length, 12_345);
        assertEquals("René <rene@example.com>", summary.cc());
        assertEquals("<1@example.com>", summary.messageId());
        assertEquals(12_345, summary.size());
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
    void theFirstOfEachFieldCountsAndMissingOnesAreEmpty() {
        Summary summary = parse("Subject: first\r\nSubject: second\r\n\r\n");
        assertEquals("first", summary.subject());
        assertEquals("", summary.from());
        assertEquals("", summary.messageId());
    }

    @Test
    void skipsAnMboxFromLineAndLinesThatAreNotFields() {
        Summary summary = parse("From alice@example.com Tue Nov 24 09:00:00 2026\nnot a field\n"
                + "From: alice@example.com\nSubject: after the From line\n\n");
        assertEquals("alice@example.com", summary.from());
        assertEquals("after the From line", summary.subject());
    }

    @Test
    void aMessageThatStartsWithAnythingButAFieldHasNoHeaders() {
        assertEquals("", parse("Hello Bob,\nSubject: this is the body\n\nstill the body\n").subject());
    }

    @Test
    void eightBitHeadersAreUtf8WhereValidAndWindows1252Otherwise() {
        byte[] utf8 = "Subject: Grüße ☃\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("Grüße ☃", Summary.parse(utf8, utf8.length, utf8.length).subject());
        byte[] latin1 = "Subject: caf\u00e9 \u0080\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("café €", Summary.parse(latin1, latin1.length, latin1.length).subject());
    }

    @Test
    void aFieldCutInTheMiddleOfAMultiByteCharacterLosesOnlyThatCharacter() {
        byte[] bytes = "Subject: ok\r\nFrom: Zoë".getBytes(StandardCharsets.UTF_8);
        Summary summary = Summary.parse(bytes, bytes.length - 1, 100);
        assertEquals("ok", summary.subject());
        assertEquals("Zo\ufffd", summary.from());
    }
}
