package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.message.SampleMessages.base64;
import static org.smtpmonitor.message.SampleMessages.crlf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Well-formed messages, shaped as real mailers write them, read into the model. */
class MessageParserTest {

    private static List<String> paths(List<Part> parts) {
        return parts.stream().map(Part::path).toList();
    }

    @Test
    void plainTextInIso88591WithEightBitBody() {
        byte[] bytes = crlf("""
                From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.fr>
                Subject: =?ISO-8859-1?Q?d=E9j=E0_vu?=
                Content-Type: text/plain; charset=ISO-8859-1
                Content-Transfer-Encoding: 8bit

                Déjà vu, naïve façade, ¿qué?
                """, StandardCharsets.ISO_8859_1);
        ParsedMessage message = MessageParser.parse(bytes);

        assertEquals("André <andre@example.fr>", message.summary().from());
        assertEquals("déjà vu", message.summary().subject());
        assertEquals(bytes.length, message.summary().size());
        Part root = message.root();
        assertEquals("text/plain", root.contentType());
        assertEquals("ISO-8859-1", root.charset());
        assertEquals("8bit", root.transferEncoding());
        assertEquals(Optional.of("Déjà vu, naïve façade, ¿qué?\r\n"), message.textBody());
        assertEquals(Optional.empty(), message.htmlBody());
        assertEquals(List.of(), message.attachments());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void plainTextInUtf8QuotedPrintableWithSoftLineBreaks() {
        byte[] bytes = crlf("""
                Subject: qp
                Content-Type: text/plain; charset="utf-8"
                Content-Transfer-Encoding: quoted-printable

                Gr=C3=BC=C3=9Fe aus K=C3=B6ln =E2=98=83
                A soft=
                 line break and an =3D sign
                """);
        ParsedMessage message = MessageParser.parse(bytes);

        assertEquals(Optional.of("Grüße aus Köln ☃\r\nA soft line break and an = sign\r\n"), message.textBody());
        assertEquals("quoted-printable", message.root().transferEncoding());
        assertEquals("Grüße aus Köln ☃\r\nA soft line break and an = sign\r\n".getBytes(StandardCharsets.UTF_8).length,
                message.root().size());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void multipartAlternativeGivesTheTextAndTheHtmlBody() {
        ParsedMessage message = MessageParser.parse(crlf(SampleMessages.ALTERNATIVE));

        assertEquals("Café Shop <news@shop.example>", message.summary().from());
        assertEquals("Your order ☕ has shipped", message.summary().subject());
        assertEquals("<order-42@shop.example>", message.summary().messageId());
        assertEquals("Tue, 24 Nov 2026 09:00:00 +0000", message.summary().date());
        assertEquals("multipart/alternative", message.root().contentType());
        assertEquals(List.of("1", "1.1", "1.2"), paths(message.parts()));
        assertEquals(Optional.of("Your order ☕ has shipped.\r\nTrack it at https://shop.example/track/42\r\n"),
                message.textBody());
        assertEquals(Optional.of("<html><body><p>Your order ☕ has <b>shipped</b>.</p></body></html>\r\n"),
                message.htmlBody());
        assertEquals(List.of(), message.attachments());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void topLevelHeadersKeepTheirOrderDecodedValuesAndRawValues() {
        ParsedMessage message = MessageParser.parse(crlf(SampleMessages.ALTERNATIVE));

        List<HeaderField> headers = message.headers();
        assertEquals(List.of("Return-Path", "Received", "From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                "Content-Type"), headers.stream().map(HeaderField::name).toList());
        HeaderField received = headers.get(1);
        assertEquals("from mail.shop.example (mail.shop.example [192.0.2.10]) by mx.example.com with ESMTPS id 4ZxYw;"
                + " Tue, 24 Nov 2026 09:00:01 +0000", received.value());
        assertTrue(received.rawValue().contains("[192.0.2.10])\r\n\tby mx"), received.rawValue());
        assertEquals(" =?UTF-8?B?WW91ciBvcmRlciDimJUgaGFzIHNoaXBwZWQ=?=", headers.get(4).rawValue());
        assertEquals(Optional.of("1.0"), message.header("mime-version"));
        assertEquals(Optional.empty(), message.header("Cc"));
    }

    @Test
    void multipartMixedWithABase64PdfAndRfc2231Filenames() {
        byte[] pdf = SampleMessages.pdfLike();
        ParsedMessage message = MessageParser.parse(crlf(SampleMessages.mixedWithPdf(base64(pdf))));

        assertEquals(Optional.of("Please find the invoice attached.\r\n"), message.textBody());
        List<Part> attachments = message.attachments();
        assertEquals(List.of("1.2", "1.3"), paths(attachments));
        Part invoice = attachments.get(0);
        assertEquals("application/pdf", invoice.contentType());
        assertEquals("attachment", invoice.disposition());
        assertEquals("Rechnung März 2026.pdf", invoice.filename());
        assertEquals("base64", invoice.transferEncoding());
        assertEquals(pdf.length, invoice.size());
        assertArrayEquals(pdf, message.decodedBody(invoice));
        Part continued = attachments.get(1);
        assertEquals("€ a name long enough to be continued.bin", continued.filename());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, message.decodedBody(continued));
        assertEquals(List.of(), message.problems());
    }

    @Test
    void anAttachmentStreamsToAnOutputStreamWithTheSameBytes() throws Exception {
        byte[] pdf = SampleMessages.pdfLike();
        ParsedMessage message = MessageParser.parse(crlf(SampleMessages.mixedWithPdf(base64(pdf))));
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        message.writeDecodedBody(message.part("1.2").orElseThrow(), saved);
        assertArrayEquals(pdf, saved.toByteArray());
    }

    @Test
    void multipartRelatedGivesTheInlineImageByItsCid() {
        byte[] png = SampleMessages.png();
        ParsedMessage message = MessageParser.parse(crlf(SampleMessages.related(base64(png))));

        assertEquals(List.of("1", "1.1", "1.1.1", "1.1.2", "1.2"), paths(message.parts()));
        assertEquals(Optional.of("Our logo is above."), message.textBody()); // the CRLF before a boundary is the boundary's
        assertTrue(message.htmlBody().orElseThrow().contains("src=\"cid:logo%40example.com\""));
        assertEquals(List.of("1.2"), paths(message.inlineParts()));
        Part logo = message.inlinePart("cid:logo%40example.com").orElseThrow();
        assertEquals("logo@example.com", logo.contentId());
        assertEquals("image/png", logo.contentType());
        assertEquals("logo.png", logo.filename());
        assertArrayEquals(png, message.decodedBody(logo));
        assertEquals(Optional.of(logo), message.inlinePart("<logo@example.com>"));
        assertEquals(List.of(), message.attachments());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void anAttachedMessageIsOneAttachmentWhosePartsAreReadToo() {
        ParsedMessage message = MessageParser.parse(crlf(SampleMessages.FORWARDED));

        assertEquals(List.of("1", "1.1", "1.2", "1.2.1", "1.2.1.1", "1.2.1.2"), paths(message.parts()));
        assertEquals(Optional.of("See below.\r\n"), message.textBody());
        assertEquals(List.of("1.2"), paths(message.attachments()));
        Part attached = message.part("1.2").orElseThrow();
        assertTrue(attached.isAttachedMessage());
        assertEquals("original.eml", attached.filename());
        assertEquals("multipart/mixed", message.part("1.2.1").orElseThrow().contentType());
        assertEquals("data.csv", message.part("1.2.1.2").orElseThrow().filename());
        assertEquals("a,b\r\n1,2", message.text(message.part("1.2.1.2").orElseThrow()));

        byte[] original = message.decodedBody(attached);
        assertEquals(original.length, attached.size());
        ParsedMessage inner = MessageParser.parse(original);
        assertEquals("the original à voir", inner.summary().subject());
        assertEquals(Optional.of("The original text."), inner.textBody());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void aMessageWithNoMimeHeadersIsOnePlainTextPart() {
        ParsedMessage message = MessageParser.parse(crlf("From: a@example.com\nSubject: old style\n\nJust text.\n"));
        assertEquals("text/plain", message.root().contentType());
        assertEquals("us-ascii", message.root().charset().toLowerCase());
        assertEquals("7bit", message.root().transferEncoding());
        assertEquals(Optional.of("Just text.\r\n"), message.textBody());
        assertEquals(List.of(), message.problems());
    }

    @Test
    void bareLineFeedsAsAFileMayHoldThemAreReadAlike() {
        byte[] bytes = SampleMessages.ALTERNATIVE.getBytes(StandardCharsets.US_ASCII);
        ParsedMessage message = MessageParser.parse(bytes);
        assertEquals(Optional.of("<html><body><p>Your order ☕ has <b>shipped</b>.</p></body></html>\r\n"),
                message.htmlBody());
        assertEquals(List.of(), message.problems());
    }
}
