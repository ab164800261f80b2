package org.smtpmonitor.message;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Messages shaped like real mail, written as text blocks with LF and stored with CRLF, as SMTP delivers them. */
final class SampleMessages {

    private SampleMessages() {
    }

    /** The text with every LF made CRLF, in the given charset. */
    static byte[] crlf(String text, Charset charset) {
        return text.replace("\n", "\r\n").getBytes(charset);
    }

    static byte[] crlf(String text) {
        return crlf(text, StandardCharsets.US_ASCII);
    }

    /** Base64 in lines of 76, as mailers write it. */
    static String base64(byte[] bytes) {
        return Base64.getMimeEncoder().encodeToString(bytes).replace("\r\n", "\n");
    }

    /** Bytes that start like a PDF and then hold every byte value, so no encoding step can go unnoticed. */
    static byte[] pdfLike() {
        byte[] head = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[head.length + 3 * 256];
        System.arraycopy(head, 0, bytes, 0, head.length);
        for (int i = 0; i < 3 * 256; i++) {
            bytes[head.length + i] = (byte) (i * 7);
        }
        return bytes;
    }

    /** A 1x1 PNG. */
    static byte[] png() {
        return Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    }

    static final String ALTERNATIVE = """
            Return-Path: <news@shop.example>
            Received: from mail.shop.example (mail.shop.example [192.0.2.10])
            \tby mx.example.com with ESMTPS id 4ZxYw; Tue, 24 Nov 2026 09:00:01 +0000
            From: =?UTF-8?Q?Caf=C3=A9_Shop?= <news@shop.example>
            To: alice@example.com
            Subject: =?UTF-8?B?WW91ciBvcmRlciDimJUgaGFzIHNoaXBwZWQ=?=
            Date: Tue, 24 Nov 2026 09:00:00 +0000
            Message-ID: <order-42@shop.example>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="----=_Part_0_1234.5678"

            This is a multi-part message in MIME format.

            ------=_Part_0_1234.5678
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: quoted-printable

            Your order =E2=98=95 has shipped.
            Track it at https://shop.example/track/42

            ------=_Part_0_1234.5678
            Content-Type: text/html; charset=UTF-8
            Content-Transfer-Encoding: quoted-printable

            <html><body><p>Your order =E2=98=95 has <b>shipped</b>.</p></body></html>

            ------=_Part_0_1234.5678--
            """;

    static String mixedWithPdf(String pdfBase64) {
        return """
                From: Billing <billing@example.org>
                To: bob@example.com
                Subject: Invoice March
                Date: Wed, 25 Nov 2026 10:30:00 +0100
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="mixed-boundary"

                --mixed-boundary
                Content-Type: text/plain; charset=us-ascii

                Please find the invoice attached.

                --mixed-boundary
                Content-Type: application/pdf; name="invoice.pdf"
                Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz%202026.pdf
                Content-Transfer-Encoding: base64

                """ + pdfBase64 + """

                --mixed-boundary
                Content-Type: application/octet-stream
                Content-Disposition: attachment;
                 filename*0*=UTF-8''%E2%82%AC%20a%20name%20long%20enough%20to;
                 filename*1*=%20be%20continued.bin
                Content-Transfer-Encoding: base64

                AAEC/w==
                --mixed-boundary--
                """;
    }

    static String related(String pngBase64) {
        return """
                From: alice@example.com
                To: bob@example.com
                Subject: With a logo
                MIME-Version: 1.0
                Content-Type: multipart/related; boundary="rel"; type="multipart/alternative"

                --rel
                Content-Type: multipart/alternative; boundary="alt"

                --alt
                Content-Type: text/plain; charset=utf-8

                Our logo is above.
                --alt
                Content-Type: text/html; charset=utf-8

                <html><body><img src="cid:logo%40example.com"> Our logo is above.</body></html>
                --alt--

                --rel
                Content-Type: image/png
                Content-Transfer-Encoding: base64
                Content-ID: <logo@example.com>
                Content-Disposition: inline; filename="logo.png"

                """ + pngBase64 + """

                --rel--
                """;
    }

    static final String FORWARDED = """
            From: carol@example.com
            To: bob@example.com
            Subject: Fwd: the original
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="fwd"

            --fwd
            Content-Type: text/plain; charset=utf-8

            See below.

            --fwd
            Content-Type: message/rfc822
            Content-Disposition: attachment; filename="original.eml"

            From: dave@example.com
            To: carol@example.com
            Subject: =?ISO-8859-1?Q?the_original_=E0_voir?=
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8

            The original text.
            --inner
            Content-Type: text/csv; name="data.csv"

            a,b
            1,2
            --inner--

            --fwd--
            """;
}
