package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile HTML in, HTML that runs nothing and fetches nothing out. Every check reads the output
 * as a browser would, parsed again (a sanitiser can be fooled by HTML that changes meaning when
 * written out and read back), not as a string.
 */
class SafeHtmlTest {

    private static final String LOGO = "data:image/png;base64,iVBORw0KGgo=";
    private static final Map<String, String> CID_IMAGES = Map.of("logo@shop.example", LOGO);

    @Test
    void scriptOfEveryKindIsGone() {
        String html = """
                <script>document.title='ran'</script>
                <SCRIPT SRC=http://evil.test/a.js></SCRIPT>
                <scr<script>ipt>alert(1)</scr</script>ipt>
                <script/xss src="http://evil.test/b.js"></script>
                <img src=x onerror="alert(1)" ONLOAD=alert(2)>
                <div onclick="alert(3)" onmouseover='alert(4)'>hover</div>
                <svg onload=alert(5)><script>alert(6)</script></svg>
                <math><mtext><table><mglyph><style><img src=x onerror=alert(7)></style></mglyph></table></mtext></math>
                <noscript><p title="</noscript><img src=x onerror=alert(8)>"></p></noscript>
                <iframe srcdoc="<script>alert(9)</script>"></iframe>
                <object data="http://evil.test/o.swf"></object><embed src="http://evil.test/e.swf">
                <a href="javascript:alert(10)">click</a>
                <p>still here</p>
                """;

        Document shown = shown(sanitise(html, RemoteContent.BLOCKED));

        assertNoScript(shown);
        assertEquals(List.of(), shown.select("iframe, object, embed, svg, math, style[src]").eachAttr("outerHtml"));
        assertTrue(shown.body().text().contains("still here"), shown.body().html());
        assertTrue(shown.body().text().contains("hover"), shown.body().html());
        assertTrue(shown.select("img").stream().noneMatch(img -> img.hasAttr("src")), shown.body().html());
        assertFalse(shown.html().contains("evil.test"), shown.html());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "jav&#x09;ascript:alert(1)", "jav&#10;ascript:alert(1)",
        "jav&Tab;ascript&colon;alert(1)", "  &#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)",
        "&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)", "&#1;javascript:alert(1)",
        "\njavascript:alert(1)", "vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd", "jar:http://evil.test/a.jar!/x", "about:blank"})
    void aUrlOfAnotherSchemeIsNeitherLinkNorImage(String url) {
        String html = "<a id=link href=\"" + url + "\">link</a><img id=image src=\"" + url + "\">"
                + "<table id=table background=\"" + url + "\"></table>";

        Document shown = shown(sanitise(html, RemoteContent.ALLOWED));

        assertFalse(shown.getElementById("link").hasAttr("href"), shown.body().html());
        assertFalse(shown.getElementById("image").hasAttr("src"), shown.body().html());
        assertFalse(shown.getElementById("table").hasAttr("background"), shown.body().html());
        assertEquals("link", shown.getElementById("link").text());
    }

    @Test
    void linksOverHttpHttpsAndMailtoAreKeptToBeOpenedOutside() {
        String html = "<a id=a href=\"https://shop.example/order?id=1&amp;x=2\" target=_blank>order</a>"
                + "<a id=b href=\" HTTP://SHOP.EXAMPLE/\">b</a><a id=c href=\"mailto:help@shop.example\">mail</a>"
                + "<a id=d href=\"/relative\">d</a><a id=e href=\"//shop.example/x\">e</a>";

        Document shown = shown(sanitise(html, RemoteContent.BLOCKED));

        assertEquals("https://shop.example/order?id=1&x=2", shown.getElementById("a").attr("href"));
        assertEquals("HTTP://SHOP.EXAMPLE/", shown.getElementById("b").attr("href"));
        assertEquals("mailto:help@shop.example", shown.getElementById("c").attr("href"));
        assertFalse(shown.getElementById("d").hasAttr("href"));
        assertFalse(shown.getElementById("e").hasAttr("href"));
        assertFalse(shown.getElementById("a").hasAttr("target"), "no new windows");
        assertEquals("noopener noreferrer", shown.getElementById("a").attr("rel"));
    }

    @Test
    void cssUrlsInEveryFormAreBlockedAndCounted() {
        String style = """
                <style>
                  .a { background: url(http://evil.test/1.png) }
                  .b { background: url( 'http://evil.test/2.png' ) }
                  .c { background: URL("http://evil.test/3.png") no-repeat }
                  .d { background: \\75 rl(http://evil.test/4.png) }
                  .e { background: u\\72l(http://evil.test/5.png) }
                  .f { background: url(ht\\74p://evil.test/6.png) }
                  .g { background-image: image-set("http://evil.test/7.png" 1x, 'http://evil.test/8.png' 2x) }
                  .h { background-image: -webkit-image-set(url(http://evil.test/9.png) 1x) }
                  .i { list-style: url(//evil.test/10.png) }
                  .j { cursor: url(  "https://evil.test/11.cur"  ), auto }
                  @font-face { font-family: f; src: url(http://evil.test/12.woff) format("woff") }
                  .k { content: src("http://evil.test/13.png") }
                  .l { background: url(http://evil.test/\\29 14.png) }
                </style>
                """;
        String html = style + "<div style=\"background:url(http://evil.test/15.png)\">x</div>"
                + "<div style=\"background-image:url(&quot;http://evil.test/16.png&quot;)\">y</div>"
                + "<div style=\"background:url(&#x68;ttp://evil.test/17.png)\">z</div>";

        SafeHtml safe = sanitise(html, RemoteContent.BLOCKED);

        assertEquals(17, safe.blockedRemote(), safe.html());
        assertFalse(safe.html().contains("evil.test"), safe.html());
        assertTrue(safe.html().contains(".c { background:  none  no-repeat }"), safe.html());
    }

    @Test
    void importRulesInAnyFormAreDroppedAndCounted() {
        String html = """
                <style>@import 'http://evil.test/a.css';
                @import url(http://evil.test/b.css) screen;
                @IMPORT url("//evil.test/c.css");
                @\\69mport "http://evil.test/d.css";
                p { color: red }</style>
                <p style="@import 'http://evil.test/e.css'; color: blue">x</p>
                """;

        SafeHtml safe = sanitise(html, RemoteContent.BLOCKED);

        assertEquals(5, safe.blockedRemote(), safe.html());
        assertFalse(safe.html().contains("evil.test"), safe.html());
        assertFalse(safe.html().toLowerCase(Locale.ROOT).contains("import"), safe.html());
        assertTrue(safe.html().contains("p { color: red }"), safe.html());
    }

    @Test
    void aCommentBetweenTwoPartsOfANameIsNoUrlAndStaysBetweenThem() {
        // u/**/rl( is the name "u", a comment, then the function "rl(": no browser fetches it,
        // and dropping the comment would make it a url( that one does.
        SafeHtml safe = sanitise("<p style=\"background:u/**/rl(http://evil.test/x.png)\">x</p>", RemoteContent.ALLOWED);

        assertEquals("background:u/**/rl(http://evil.test/x.png)", shown(safe).selectFirst("p").attr("style"));
    }

    @Test
    void aBadUrlAndAnUnclosedOneAreNotGivenBack() {
        String html = "<p id=a style=\"background:url(http://evil.test/a b.png)\">a</p>"
                + "<p id=b style=\"background:url(http://evil.test/c.png\">b</p>"
                + "<p id=c style=\"background:url(http://evil.test/d\\).png)\">c</p>";

        Document shown = shown(sanitise(html, RemoteContent.BLOCKED));

        assertFalse(shown.html().contains("evil.test"), shown.html());
    }

    @Test
    void remoteAllowedKeepsHttpAndHttpsResourcesAndStillNoScript() {
        String html = """
                <style>@import url(http://shop.example/a.css) screen; .a { background: url(//cdn.example/b.png) }</style>
                <link rel="stylesheet" href="https://shop.example/c.css"><link rel="prefetch" href="https://shop.example/d">
                <img id=img src="http://shop.example/e.png" srcset="https://shop.example/f.png 2x, javascript:x 3x">
                <p style="background:url('https://shop.example/g.png')">x</p><script>alert(1)</script>
                <iframe src="https://shop.example/frame"></iframe>
                """;

        SafeHtml safe = sanitise(html, RemoteContent.ALLOWED);
        Document shown = shown(safe);

        assertEquals(0, safe.blockedRemote());
        assertEquals(1, safe.blockedOther(), "the javascript: candidate of the srcset");
        String css = shown.select("style").html();
        assertTrue(css.contains("@import url(\"http://shop.example/a.css\");"), css);
        assertTrue(css.contains("url(\"https://cdn.example/b.png\")"), css);
        assertEquals(List.of("https://shop.example/c.css"), shown.select("link[rel=stylesheet]").eachAttr("href"));
        assertEquals(1, shown.select("link").size(), "no prefetch");
        assertEquals("http://shop.example/e.png", shown.getElementById("img").attr("src"));
        assertEquals("https://shop.example/f.png 2x", shown.getElementById("img").attr("srcset"));
        assertEquals("background:url(\"https://shop.example/g.png\")", shown.selectFirst("p").attr("style"));
        assertNoScript(shown);
        assertTrue(shown.select("iframe").isEmpty());
    }

    @Test
    void cidImagesBecomeDataUrisOfTheMessagesOwnPartsWherePeopleUseThem() {
        String html = "<body background=\"cid:logo@shop.example\"><img id=a src=\"cid:logo@shop.example\">"
                + "<img id=b src=\"CID:%3Clogo@shop.example%3E\"><img id=c src=\"cid:unknown@shop.example\">"
                + "<table id=t background=\"cid:logo@shop.example\"><tr><td style=\"background:url(cid:logo@shop.example)\">"
                + "</td></tr></table><img id=s srcset=\"cid:logo@shop.example 2x\"></body>";

        SafeHtml safe = SafeHtml.sanitise(html, cid -> Optional.ofNullable(CID_IMAGES.get(ContentIds.normalise(cid))),
                RemoteContent.BLOCKED);
        Document shown = shown(safe);

        assertEquals(LOGO, shown.getElementById("a").attr("src"));
        assertEquals(LOGO, shown.getElementById("b").attr("src"));
        assertFalse(shown.getElementById("c").hasAttr("src"));
        assertEquals(LOGO, shown.body().attr("background"));
        assertEquals(LOGO, shown.getElementById("t").attr("background"));
        assertEquals("background:url(\"" + LOGO + "\")", shown.selectFirst("td").attr("style"));
        assertEquals(LOGO + " 2x", shown.getElementById("s").attr("srcset"));
        assertEquals(0, safe.blockedRemote());
        assertEquals(1, safe.blockedOther());
    }

    @Test
    void srcsetCandidatesAreEachJudgedAndADataUrlWithCommasStaysOne() {
        String html = "<img srcset=\"http://evil.test/1.png 1x,cid:logo@shop.example 2x, "
                + "data:image/gif;base64,R0lG,ODlh 3x, javascript:alert(1) 4x,, data:text/html,<b>x</b> 5x\">";

        SafeHtml safe = SafeHtml.sanitise(html, cid -> Optional.ofNullable(CID_IMAGES.get(ContentIds.normalise(cid))),
                RemoteContent.BLOCKED);

        assertEquals(LOGO + " 2x, data:image/gif;base64,R0lG,ODlh 3x", shown(safe).selectFirst("img").attr("srcset"));
        assertEquals(1, safe.blockedRemote());
        assertEquals(2, safe.blockedOther());
    }

    @Test
    void svgWithScriptIsGoneAndSoIsAnSvgImage() {
        String html = """
                <img id=i src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">
                <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>
                <image href="http://evil.test/a.png"/><foreignObject><iframe src="http://evil.test/f"></iframe>
                <a xlink:href="javascript:alert(3)"><text>t</text></a><animate attributeName="href" to="javascript:alert(4)"/>
                </svg>
                """;

        SafeHtml safe = sanitise(html, RemoteContent.ALLOWED);
        Document shown = shown(safe);

        assertNoScript(shown);
        assertTrue(shown.select("svg, image, foreignObject, iframe, animate").isEmpty(), shown.body().html());
        assertFalse(shown.getElementById("i").hasAttr("src"));
        assertFalse(shown.html().contains("evil.test"), shown.html());
    }

    @Test
    void metaRefreshBaseAndTheMailsOwnHeadAreGone() {
        String html = """
                <html><head><meta http-equiv="refresh" content="0;url=http://evil.test/r">
                <base href="http://evil.test/"><title>t</title><link rel=icon href="http://evil.test/i">
                <meta http-equiv="Content-Security-Policy" content="default-src *"></head>
                <body><META HTTP-EQUIV=REFRESH CONTENT="1; URL=http://evil.test/r2"><base href="http://evil.test/b/">
                <img id=rel src="images/logo.png"><a id=a href="page.html">p</a></body></html>
                """;

        SafeHtml safe = sanitise(html, RemoteContent.ALLOWED);
        Document shown = shown(safe);

        assertEquals(1, shown.select("meta").size(), shown.head().html());
        assertEquals("Content-Security-Policy", shown.selectFirst("meta").attr("http-equiv"));
        assertTrue(shown.select("base, title, link").isEmpty(), shown.html());
        assertFalse(shown.getElementById("rel").hasAttr("src"), "a relative URL has nothing to be relative to");
        assertFalse(shown.getElementById("a").hasAttr("href"));
        assertFalse(shown.html().contains("evil.test"), shown.html());
        assertEquals(1, safe.blockedOther());
    }

    @Test
    void formsAndWhatTheyHoldAreGone() {
        String html = "<form action=\"http://evil.test/post\" method=post><input name=card value=1>"
                + "<select><option>Option text</option></select><textarea>typed</textarea>"
                + "<button formaction=\"http://evil.test/b\">Pay</button><input type=image src=\"http://evil.test/i\">"
                + "</form><frameset><frame src=\"http://evil.test/f\"></frameset>";

        Document shown = shown(sanitise(html, RemoteContent.ALLOWED));

        assertTrue(shown.select("form, input, button, select, option, textarea, frame, frameset").isEmpty(),
                shown.body().html());
        assertFalse(shown.html().contains("evil.test"), shown.html());
        assertFalse(shown.text().contains("Option text"), shown.text());
    }

    @Test
    void whatMailNeedsToLookRightIsKept() {
        String html = """
                <!DOCTYPE html><html><head><style type="text/css">
                  .header { color: #c00; font-family: Georgia, serif } td.price { text-align: right }
                  @media (max-width: 600px) { .header { font-size: 12px } }
                </style></head>
                <body bgcolor="#eeeeee" text="#333333" onload="track()" style="margin:0">
                <table width="600" cellpadding="4" cellspacing="0" border="0" bgcolor="#ffffff" align="center">
                <tr><td class="header" colspan="2" style="padding:8px;border-bottom:1px solid #ccc">
                <font face="Arial" color="#336699" size="4">Your order</font></td></tr>
                <tr><td>Tea</td><td class="price" valign="top"><b>&euro; 4.50</b></td></tr></table>
                <center><img src="cid:logo@shop.example" width="120" height="40" alt="Shop"></center></body></html>
                """;

        SafeHtml safe = SafeHtml.sanitise(html, cid -> Optional.ofNullable(CID_IMAGES.get(ContentIds.normalise(cid))),
                RemoteContent.BLOCKED);
        Document shown = shown(safe);

        assertTrue(safe.html().startsWith("<!DOCTYPE html>"), "standards mode, as the mail asked");
        String css = shown.select("style").html();
        assertTrue(css.contains(".header { color: #c00; font-family: Georgia, serif }"), css);
        assertTrue(css.contains("@media (max-width: 600px) { .header { font-size: 12px } }"), css);
        assertEquals("#eeeeee", shown.body().attr("bgcolor"));
        assertEquals("#333333", shown.body().attr("text"));
        assertEquals("margin:0", shown.body().attr("style"));
        assertFalse(shown.body().hasAttr("onload"));
        Element table = shown.selectFirst("table");
        assertEquals(List.of("600", "4", "0", "#ffffff", "center"), List.of(table.attr("width"),
                table.attr("cellpadding"), table.attr("cellspacing"), table.attr("bgcolor"), table.attr("align")));
        assertEquals("padding:8px;border-bottom:1px solid #ccc", shown.selectFirst("td.header").attr("style"));
        assertEquals("2", shown.selectFirst("td.header").attr("colspan"));
        Element font = shown.selectFirst("font");
        assertEquals(List.of("Arial", "#336699", "4"), List.of(font.attr("face"), font.attr("color"), font.attr("size")));
        assertEquals("top", shown.selectFirst("td.price").attr("valign"));
        assertEquals("\u20ac 4.50", shown.selectFirst("td.price b").text());
        Element image = shown.selectFirst("center img");
        assertEquals(List.of(LOGO, "120", "40", "Shop"), List.of(image.attr("src"), image.attr("width"),
                image.attr("height"), image.attr("alt")));
        assertEquals(0, safe.blockedRemote() + safe.blockedOther());
    }

    @Test
    void theContentSecurityPolicyComesFirstAndAllowsNoScript() {
        Document blocked = shown(sanitise("<p>x</p>", RemoteContent.BLOCKED));
        Document allowed = shown(sanitise("<p>x</p>", RemoteContent.ALLOWED));

        Element first = blocked.head().child(0);
        assertEquals("meta", first.tagName());
        assertEquals("Content-Security-Policy", first.attr("http-equiv"));
        assertEquals("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:;"
                + " form-action 'none'; base-uri 'none'", first.attr("content"));
        String remote = allowed.head().child(0).attr("content");
        assertTrue(remote.contains("img-src data: http: https:"), remote);
        assertFalse(remote.contains("script"), remote);
    }

    @Test
    void nothingInAStyleBlockCanCloseIt() {
        // Inside SVG a style's text is ordinary text, its entities undone: "</style>" could come out of it.
        String html = "<svg><style>p { color: red } &lt;/style&gt;&lt;img src=x onerror=alert(1)&gt;</style></svg>"
                + "<style>p::after { content: \"</scr\" }</style>";

        Document shown = shown(sanitise(html, RemoteContent.BLOCKED));

        assertEquals(1, shown.select("style").size());
        assertTrue(shown.select("body img").isEmpty(), shown.html());
        assertNoScript(shown);
    }

    @Test
    void aRemoteStylesheetLinkIsCountedWhenBlocked() {
        SafeHtml safe = sanitise("<head><link rel=\"STYLESHEET alternate\" href=\"https://evil.test/s.css\"></head>",
                RemoteContent.BLOCKED);

        assertEquals(1, safe.blockedRemote());
        assertTrue(shown(safe).select("link").isEmpty());
    }

    @Test
    void aLongHtmlPartIsCutAndSaysSo() {
        String row = "<tr><td style=\"color:#333\">A row of a very long report</td></tr>\n";
        String html = "<table>" + row.repeat(SafeHtml.MAX_HTML_CHARS / row.length() + 10)
                + "<tr><td id=last>the end</td></tr></table><img src=\"http://evil.test/after-the-cut.png\">";

        SafeHtml safe = sanitise(html, RemoteContent.BLOCKED);
        Document shown = shown(safe);

        assertTrue(safe.truncated());
        assertTrue(shown.body().child(0).text().startsWith("This HTML part is " + html.length() / 1024 + " KB long"),
                shown.body().child(0).text());
        assertNull(shown.getElementById("last"));
        assertTrue(shown.select("td").size() > 1000, "the beginning is shown");
        assertFalse(sanitise("<p>short</p>", RemoteContent.BLOCKED).truncated());
    }

    private static SafeHtml sanitise(String html, RemoteContent remote) {
        return SafeHtml.sanitise(html, cid -> Optional.empty(), remote);
    }

    /** The output as a browser reads it. */
    private static Document shown(SafeHtml safe) {
        return Jsoup.parse(safe.html());
    }

    /** No script element, no event handler, and no attribute that holds a script URL. */
    private static void assertNoScript(Document shown) {
        assertTrue(shown.select("script").isEmpty(), shown.html());
        List<String> bad = new ArrayList<>();
        for (Element element : shown.getAllElements()) {
            for (Attribute attribute : element.attributes()) {
                String key = attribute.getKey().toLowerCase(Locale.ROOT);
                String value = ResourceUrls.normalised(attribute.getValue()).toLowerCase(Locale.ROOT);
                if (key.startsWith("on") || value.startsWith("javascript:") || value.startsWith("vbscript:")
                        || value.contains("url(javascript:")) {
                    bad.add(element.tagName() + " " + attribute);
                }
            }
        }
        assertEquals(List.of(), bad);
        assertNull(shown.selectFirst("[srcdoc]"));
    }
}
