package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class HeaderBlockTest {

    @Test
    void endIsTheStartOfTheBlankLine() {
        byte[] crlf = "A: 1\r\nB: 2\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(12, HeaderBlock.end(crlf, crlf.length));
        byte[] lf = "A: 1\n\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(5, HeaderBlock.end(lf, lf.length));
        byte[] none = "A: 1\r\nB: 2\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(none.length, HeaderBlock.end(none, none.length));
    }

    @Test
    void fieldsKeepTheirOrderTheirNamesAsWrittenAndTheirRawFoldedValues() {
        byte[] bytes = ("Received: from a\r\n\tby b\r\nSUBJECT: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
                + "X-Empty:\r\nSubject : obsolete space before the colon\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII);
        List<HeaderField> fields = HeaderBlock.fields(bytes, bytes.length);
        assertEquals(List.of(
                new HeaderField("Received", "from a by b", " from a\r\n\tby b"),
                new HeaderField("SUBJECT", "Grüße", " =?UTF-8?B?R3LDvMOfZQ==?="),
                new HeaderField("X-Empty", "", ""),
                new HeaderField("Subject", "obsolete space before the colon", " obsolete space before the colon")),
                fields);
    }

    @Test
    void aLineThatIsNotAFieldIsSkippedWithItsContinuationLines() {
        byte[] bytes = "Subject: s\r\nnot a field\r\n  continued\r\nX: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(new HeaderField("Subject", "s", " s"), new HeaderField("X", "1", " 1")),
                HeaderBlock.fields(bytes, bytes.length));
    }

    @Test
    void aMessageThatStartsWithAContinuationLineHasNoHeaderBlock() {
        byte[] bytes = "  stray continuation\r\nSubject: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(), HeaderBlock.fields(bytes, bytes.length));
    }
}
