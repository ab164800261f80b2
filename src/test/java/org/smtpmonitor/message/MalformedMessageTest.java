package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.message.SampleMessages.base64;
import static org.smtpmonitor.message.SampleMessages.crlf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Malformed MIME never throws out of the model: it degrades to raw parts, and the problems say what was wrong. */
class MalformedMessageTest {

    private static void assertProblem(ParsedMessage message, String expected) {
        assertTrue(message.problems().stream().anyMatch(p -> p.contains(expected)),
                "no problem with '" + expected + "' in " + message.problems());
    }

    @Test
    void aBoundaryThatNoLineStartsWithLeavesTheBodyAsOneRawPart() {
        ParsedMessage message = MessageParser.parse(crlf("""
                Subject: wrong boundary
                Content-Type: multipart/mixed; boundary="declared"

                --actually-used
                Content-Type: text/plain

                the text
                --actually-used--
                """));

        Part root = message.root();
        assertEquals("multipart/mixed", root.contentType());
        assertTrue(root.raw());
        assertEquals(List.of(), root.children());
        assertProblem(message, "part 1: no line starts with its boundary \"--declared\"");
        String body = new String(message.decodedBody(root), StandardCharsets.US_ASCII);
        assertTrue(body.startsWith("--actually-used\r\nContent-Type: text/plain\r\n\r\nthe text\r\n"), body);
        assertEquals(List.of(root), message.attachments());
        assertEquals("wrong boundary", message.summary().subject());
    }

    @Test
    void aMultipartWithoutABoundaryParameterIsOneRawPart() {
        ParsedMessage message = MessageParser.parse(crlf("""
                Content-Type: multipart/alternative

                --x
                text
                """));

        assertEquals("multipart/alternative", message.root().contentType());
        assertTrue(message.root().raw());
        assertProblem(message, "part 1: Content-Type multipart/alternative has no boundary parameter");
        assertEquals("--x\r\ntext\r\n", new String(message.decodedBody(message.root()), StandardCharsets.US_ASCII));
    }

    @Test
    void badBase64IsDecodedAsFarAsItGoesWithANote() {
        ParsedMessage message = MessageParser.parse(crlf("""
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                SGVs!!bG8g*d29y
                bGQ=
                --b--
                """));

        Part part = message.part("1.1").orElseThrow();
        assertEquals("Hello world", new String(message.decodedBody(part), StandardCharsets.US_ASCII));
        assertEquals(11, part.size());
        assertProblem(message, "part 1.1: bytes that are not base64 were skipped");
    }

    @Test
    void base64CutInTheMiddleOfAGroupSaysItsEndIsLost() {
        ParsedMessage message = MessageParser.parse(crlf("""
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                SGVsbG8gd29y
                bG
                """));
        assertEquals("Hello wor", new String(message.decodedBody(message.root()), StandardCharsets.US_ASCII));
        assertProblem(message, "part 1: the base64 text ends in the middle of a group");
    }

    @Test
    void anUnknownCharsetFallsBackToUtf8OrWindows1252() {
        String template = """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain; charset=x-no-such-charset

                Grüße €
                --b--
                """;
        ParsedMessage utf8 = MessageParser.parse(crlf(template, StandardCharsets.UTF_8));
        assertEquals(Optional.of("Grüße €"), utf8.textBody());
        assertProblem(utf8, "part 1.1: unknown charset \"x-no-such-charset\"; the text is read as UTF-8, or as windows-1252");

        ParsedMessage legacy = MessageParser.parse(crlf(template, java.nio.charset.Charset.forName("windows-1252")));
        assertEquals(Optional.of("Grüße €"), legacy.textBody());
    }

    @Test
    void usAsciiDeclaredForEightBitTextIsReadSensibly() {
        byte[] bytes = crlf("Content-Type: text/plain; charset=us-ascii\n\nna\u00efve\n", StandardCharsets.UTF_8);
        assertEquals(Optional.of("naïve\r\n"), MessageParser.parse(bytes).textBody());
    }

    @Test
    void aMessageWithNoHeaderBlockIsAllBody() {
        ParsedMessage message = MessageParser.parse(crlf("Hello there,\nno headers at all.\nNote: not a field\n"));

        assertEquals(List.of(), message.headers());
        assertEquals(new Summary("", "", "", "", "", "", message.source().length()), message.summary());
        assertEquals(Optional.of("Hello there,\r\nno headers at all.\r\nNote: not a field\r\n"), message.textBody());
        assertEquals(List.of("part 1: the message has no header block: it is all body, read as text/plain"),
                message.problems());
    }

    @Test
    void aLineThatIsNotAFieldAmidTheHeaderFieldsIsSkipped() {
        ParsedMessage message = MessageParser.parse(crlf("Subject: s\nthis is no field\nX-After: 1\n\nbody\n"));
        assertEquals(Optional.of("body\r\n"), message.textBody());
        assertEquals(List.of("Subject", "X-After"), message.headers().stream().map(HeaderField::name).toList());
        assertProblem(message, "part 1: a line in the header block is not a header field; it is skipped");
    }

    @Test
    void missingSummaryHeadersAreEmptyAndNoProblem() {
        ParsedMessage message = MessageParser.parse(crlf("X-Mailer: test\n\nbody\n"));
        assertEquals(new Summary("", "", "", "", "", "", message.source().length()), message.summary());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void aTruncatedMultipartKeepsWhatArrived() {
        byte[] pdf = SampleMessages.pdfLike();
        byte[] whole = crlf(SampleMessages.mixedWithPdf(base64(pdf)));
        String text = new String(whole, StandardCharsets.US_ASCII);
        int cut = text.indexOf("Content-Transfer-Encoding: base64") + 200;
        ParsedMessage message = MessageParser.parse(Arrays.copyOf(whole, cut));

        assertEquals(Optional.of("Please find the invoice attached.\r\n"), message.textBody());
        Part invoice = message.part("1.2").orElseThrow();
        assertEquals("Rechnung März 2026.pdf", invoice.filename());
        byte[] arrived = message.decodedBody(invoice);
        assertTrue(arrived.length > 0 && arrived.length < pdf.length, "bytes: " + arrived.length);
        assertArrayEquals(Arrays.copyOf(pdf, arrived.length), arrived);
        assertProblem(message, "the multipart ends without its closing boundary (the message may be cut short)");
    }

    @Test
    void aMessageCutInsideItsHeaderBlockKeepsItsFields() {
        ParsedMessage message = MessageParser.parse(crlf("From: a@example.com\nSubject: cut"));
        assertEquals("cut", message.summary().subject());
        assertEquals(Optional.of(""), message.textBody());
        assertProblem(message, "the header block ends without the blank line that ends it");
    }

    @Test
    void eightBitHeadersAreUtf8WhereValidAndWindows1252WithANoteWhereNot() {
        byte[] utf8 = "Subject: Grüße ☃\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "From: Andr\u00e9 <andre@example.fr>\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[utf8.length + latin1.length];
        System.arraycopy(utf8, 0, bytes, 0, utf8.length);
        System.arraycopy(latin1, 0, bytes, utf8.length, latin1.length);
        ParsedMessage message = MessageParser.parse(bytes);

        assertEquals("Grüße ☃", message.summary().subject());
        assertEquals("André <andre@example.fr>", message.summary().from());
        assertEquals(List.of("part 1: header From: 8-bit bytes that are not UTF-8, read as windows-1252"),
                message.problems());
    }

    @Test
    void anEmptyMessageIsAnEmptyTextPart() {
        ParsedMessage message = MessageParser.parse(new byte[0]);

        assertEquals(new Summary("", "", "", "", "", "", 0), message.summary());
        assertEquals(List.of(), message.headers());
        assertEquals("text/plain", message.root().contentType());
        assertEquals(Optional.of(""), message.textBody());
        assertEquals(List.of("part 1: the message is empty (0 bytes)"), message.problems());
    }

    @Test
    void tooManyHeaderFieldsMakeTheWholeMessageOneRawPart() {
        byte[] bytes = crlf("X-Spam: 1\n".repeat(MimeWalk.MAX_HEADER_FIELDS + 1) + "Subject: many\n\nbody\n");
        ParsedMessage message = MessageParser.parse(bytes);

        assertTrue(message.root().raw());
        assertEquals(bytes.length, message.root().size());
        assertProblem(message, "part 1: the MIME structure could not be read");
        assertArrayEquals(bytes, message.decodedBody(message.root()));
        assertEquals("many", message.summary().subject());
    }

    @Test
    void anAttachedMessageThatCannotBeReadIsOneRawPartAndTheRestIsRead() {
        String inner = "X-Spam: 1\n".repeat(MimeWalk.MAX_HEADER_FIELDS + 1) + "Subject: inner\n\ninner body\n";
        byte[] bytes = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nouter text\n--b\n"
                + "Content-Type: message/rfc822\n\n" + inner + "--b\n\nafter\n--b--\n");
        ParsedMessage message = MessageParser.parse(bytes);

        Part attached = message.part("1.2").orElseThrow();
        assertTrue(attached.raw());
        assertEquals(List.of(), attached.children());
        assertArrayEquals(crlf(inner.substring(0, inner.length() - 1)), message.decodedBody(attached));
        assertProblem(message, "part 1.2: the attached message could not be read");
        assertEquals("after", message.text(message.part("1.3").orElseThrow()));
        assertEquals(Optional.of("outer text"), message.textBody());
    }

    @Test
    void aMessageThatIsOnlyAnUnreadableAttachedMessageIsOneRawPartWhole() {
        byte[] bytes = crlf("Content-Type: message/rfc822\n\n" + "X-Spam: 1\n".repeat(MimeWalk.MAX_HEADER_FIELDS + 1)
                + "\nbody\n");
        ParsedMessage message = MessageParser.parse(bytes);
        assertTrue(message.root().raw());
        assertArrayEquals(bytes, message.decodedBody(message.root()));
        assertProblem(message, "part 1: the MIME structure could not be read");
    }

    @Test
    void aHeaderLineLongerThanTheLimitMakesTheWholeMessageOneRawPart() {
        byte[] bytes = crlf("X-Long: " + "x".repeat(MimeWalk.MAX_LINE_BYTES) + "\nSubject: long\n\nbody\n");
        ParsedMessage message = MessageParser.parse(bytes);
        assertTrue(message.root().raw());
        assertProblem(message, "part 1: the MIME structure could not be read");
    }

    @Test
    void aLongBodyLineIsNoProblem() {
        byte[] data = new byte[3 * MimeWalk.MAX_LINE_BYTES];
        Arrays.fill(data, (byte) 'z');
        String oneLine = java.util.Base64.getEncoder().encodeToString(data);
        ParsedMessage message = MessageParser.parse(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                + "Content-Transfer-Encoding: base64\n\n" + oneLine + "\n--b--\n"));
        assertEquals(List.of(), message.problems());
        assertArrayEquals(data, message.decodedBody(message.part("1.1").orElseThrow()));
    }

    @Test
    void multipartsNestedTooDeepEndInARawPart() {
        int depth = MimeWalk.MAX_NESTED_PARTS + 10;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            text.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\n\n--b").append(i).append('\n');
        }
        text.append("Content-Type: text/plain\n\ndeep\n");
        for (int i = depth - 1; i >= 0; i--) {
            text.append("--b").append(i).append("--\n");
        }
        ParsedMessage message = MessageParser.parse(crlf(text.toString()));

        Part deepest = message.parts().get(message.parts().size() - 1);
        assertEquals(MimeWalk.MAX_NESTED_PARTS + 1, deepest.path().split("\\.").length);
        assertTrue(deepest.raw());
        assertProblem(message, "multiparts nested deeper than " + MimeWalk.MAX_NESTED_PARTS + " are not read");
        assertTrue(new String(message.decodedBody(deepest), StandardCharsets.US_ASCII).contains("deep"));
    }

    @Test
    void messagesNestedTooDeepEndInAnUnreadPart() {
        String message = "Subject: innermost\n\ntext\n";
        for (int i = 0; i < MimeWalk.MAX_NESTED_MESSAGES + 3; i++) {
            message = "Subject: level " + i + "\nContent-Type: message/rfc822\n\n" + message;
        }
        ParsedMessage parsed = MessageParser.parse(crlf(message));
        assertProblem(parsed, "messages nested deeper than " + MimeWalk.MAX_NESTED_MESSAGES + " are not read");
        assertEquals(MimeWalk.MAX_NESTED_MESSAGES + 1, parsed.parts().size());
    }

    @Test
    void aMessageCutAtAnyByteGivesAModelWhosePartsCanAllBeRead() {
        byte[] whole = crlf(SampleMessages.related(base64(SampleMessages.png())));
        for (int cut = 0; cut <= whole.length; cut += 3) {
            ParsedMessage message = MessageParser.parse(Arrays.copyOf(whole, cut));
            for (Part part : message.parts()) {
                int expected = part.isMultipart() && !part.raw() ? 0 : (int) part.size(); // a multipart has no body of its own
                assertEquals(expected, message.decodedBody(part).length, "cut at " + cut + ", part " + part.path());
            }
            message.textBody();
            message.htmlBody();
        }
    }

    @Test
    void theProblemsOfAMessageMadeOfErrorsAreCapped() {
        StringBuilder text = new StringBuilder("Content-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 500; i++) {
            text.append("--b\nContent-Type: text/plain; charset=x-unknown-").append(i).append("\n\nx\n");
        }
        ParsedMessage message = MessageParser.parse(crlf(text + "--b--\n"));
        assertEquals(500, message.root().children().size());
        assertEquals(Problems.MAX_NOTES, message.problems().size());
        assertFalse(message.textBody().isEmpty());
    }
}
