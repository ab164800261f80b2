package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The HTML of a parsed message, its {@code cid:} images taken from its own parts, within bounds. */
class SafeHtmlOfMessageTest {

    @Test
    void aCidImageIsTheMessagesOwnPartAsADataUri() {
        byte[] png = SampleMessages.png();
        ParsedMessage message = MessageParser.parse(SampleMessages.crlf(SampleMessages.related(SampleMessages.base64(png))));

        SafeHtml safe = SafeHtml.of(message, RemoteContent.BLOCKED).orElseThrow();

        String src = Jsoup.parse(safe.html()).selectFirst("img").attr("src");
        assertEquals("data:image/png;base64," + Base64.getEncoder().encodeToString(png), src);
        assertEquals(0, safe.blockedRemote() + safe.blockedOther());
    }

    @Test
    void aMessageWithoutHtmlHasNone() {
        ParsedMessage message = MessageParser.parse(SampleMessages.crlf(
                SampleMessages.mixedWithPdf(SampleMessages.base64(SampleMessages.pdfLike()))));

        assertEquals(Optional.empty(), SafeHtml.of(message, RemoteContent.BLOCKED));
    }

    @Test
    void onlyImagesOfBoundedSizeAreShownAndTheirTypeIsWhatTheirBytesAre() {
        byte[] png = SampleMessages.png();
        byte[] big = Arrays.copyOf(png, 1001);
        String html = "<img id=octet src=\"cid:octet@x\"><img id=page src=\"cid:page@x\"><img id=big src=\"cid:big@x\">"
                + "<img id=svg src=\"cid:svg@x\"><img id=again src=\"cid:octet@x\">";
        ParsedMessage message = MessageParser.parse(SampleMessages.crlf(related(html,
                part("application/octet-stream", "octet@x", png),
                part("text/html", "page@x", "<script>alert(1)</script>".getBytes()),
                part("image/png", "big@x", big),
                part("image/svg+xml", "svg@x", "<svg onload=\"alert(1)\"/>".getBytes()))));

        SafeHtml safe = SafeHtml.sanitise(message.htmlBody().orElseThrow(), new InlineImages(message, 1000, 10_000),
                RemoteContent.BLOCKED);
        Document shown = Jsoup.parse(safe.html());

        String pngUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        assertEquals(pngUri, shown.getElementById("octet").attr("src"), "sniffed as the PNG it is");
        assertEquals(pngUri, shown.getElementById("again").attr("src"));
        assertFalse(shown.getElementById("page").hasAttr("src"), "HTML is no image");
        assertFalse(shown.getElementById("big").hasAttr("src"), "over the bound");
        assertFalse(shown.getElementById("svg").hasAttr("src"), "an SVG image is a document");
        assertEquals(3, safe.blockedOther());
        assertEquals(0, safe.blockedRemote());
    }

    @Test
    void theImagesOfAMessageTogetherAreBounded() {
        byte[] png = SampleMessages.png();
        byte[] large = Arrays.copyOf(png, 999);
        int fit = 10;
        StringBuilder html = new StringBuilder();
        String[] parts = new String[fit + 1];
        for (int i = 0; i <= fit; i++) {
            html.append("<img src=\"cid:").append(i).append("@x\">");
            parts[i] = part("image/png", i + "@x", large);
        }
        ParsedMessage message = MessageParser.parse(SampleMessages.crlf(related(html.toString(), parts)));

        SafeHtml safe = SafeHtml.sanitise(message.htmlBody().orElseThrow(), new InlineImages(message, 1000, 10_000),
                RemoteContent.BLOCKED);

        long shown = Jsoup.parse(safe.html()).select("img[src]").size();
        assertEquals(fit, shown);
        assertEquals(1, safe.blockedOther());
    }

    private static String part(String type, String cid, byte[] body) {
        return "Content-Type: " + type + "\nContent-Transfer-Encoding: base64\nContent-ID: <" + cid + ">\n\n"
                + SampleMessages.base64(body) + "\n";
    }

    private static String related(String html, String... parts) {
        StringBuilder message = new StringBuilder("""
                From: alice@example.com
                To: bob@example.com
                Subject: Images
                MIME-Version: 1.0
                Content-Type: multipart/related; boundary="rel"

                --rel
                Content-Type: text/html; charset=utf-8

                """).append(html).append('\n');
        for (String part : parts) {
            message.append("--rel\n").append(part);
        }
        return message.append("--rel--\n").toString();
    }
}
