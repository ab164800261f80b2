package org.smtpmonitor.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * The HTML body of a message made safe to show: a whole document that runs no script, submits
 * and embeds nothing, and fetches nothing but what {@code remote} allows.
 *
 * <p>The body is parsed and cleaned with jsoup against {@link MailSafelist}; its {@code <style>}
 * blocks (which the cleaner would drop with the head) are kept with their URLs rewritten, as are
 * {@code style} attributes, by {@link CssRewriter}; every resource URL goes through
 * {@link ResourceUrls}: {@code cid:} images become {@code data:} URIs of the message's own
 * parts, remote ones are left out unless allowed. The document's head is ours: a
 * Content-Security-Policy that allows no script and, when remote content is blocked, no fetch
 * at all, as a second guard should the cleaning miss something.
 *
 * @param html          the document to show
 * @param blockedRemote the http and https resources left out, which {@link RemoteContent#ALLOWED} would keep
 * @param blockedOther  the resources left out whatever the mode: relative or of another scheme,
 *                      unknown {@code cid:}, too big, or not images
 * @param truncated     the HTML was longer than {@link #MAX_HTML_CHARS}: its beginning is shown,
 *                      with a note that says so
 */
public record SafeHtml(String html, int blockedRemote, int blockedOther, boolean truncated) {

    /**
     * The most of an HTML body that is shown. WebKit parses and lays out a page on the FX
     * thread: a 3 MB body holds the window for seconds, 1 MB for about one (HtmlViewBenchmark),
     * and mail that is meant to be read is far smaller (Gmail clips a message at 102 KB).
     */
    public static final int MAX_HTML_CHARS = 512 * 1024;

    private static final Safelist SAFELIST = MailSafelist.create();
    private static final Safelist BODY = MailSafelist.body();
    /** Elements dropped with all they hold: the cleaner would keep the text inside them. */
    private static final String DROPPED_WITH_CONTENT = "script, style, template, iframe, frame, frameset, noframes,"
            + " object, embed, applet, noembed, svg, math, audio, video, canvas, select, textarea";

    /** The message's HTML body made safe, or empty when it has none. */
    public static Optional<SafeHtml> of(ParsedMessage message, RemoteContent remote) {
        return message.htmlBody().map(html -> sanitise(html, new InlineImages(message), remote));
    }

    /**
     * {@code html} made safe.
     *
     * @param cidImages the {@code data:} URI to show for a {@code cid:} URL, if any
     */
    public static SafeHtml sanitise(String html, Function<String, Optional<String>> cidImages, RemoteContent remote) {
        ResourceUrls urls = new ResourceUrls(remote, cidImages);
        CssRewriter css = new CssRewriter(urls);
        boolean truncated = html.length() > MAX_HTML_CHARS;
        Document dirty = Jsoup.parse(truncated ? html.substring(0, MAX_HTML_CHARS) : html, "");
        List<String> stylesheets = new ArrayList<>();
        for (Element link : dirty.select("link[href]")) {
            if (isStylesheet(link)) {
                String url = urls.stylesheet(link.attr("href"));
                if (url != null) {
                    stylesheets.add(url);
                }
            }
        }
        StringBuilder styles = new StringBuilder();
        for (Element style : dirty.select("style")) {
            String text = style.data().isEmpty() ? style.wholeText() : style.data();
            styles.append(css.rewrite(text)).append('\n');
        }
        dirty.select(DROPPED_WITH_CONTENT).remove();

        Document clean = new Cleaner(SAFELIST).clean(dirty);
        if (dirty.body() != null) {
            copySafeAttributes(dirty.body(), clean.body());
        }
        for (Element element : clean.body().getAllElements()) {
            rewriteUrls(element, urls, css);
        }
        if (truncated) {
            clean.body().prependElement("p").attr("style", "background:#fff3cd;color:#333;padding:6px;margin:0")
                    .text("This HTML part is " + html.length() / 1024 + " KB long: only its first "
                            + MAX_HTML_CHARS / 1024 + " KB are shown.");
        }
        Element head = clean.head();
        head.appendElement("meta").attr("http-equiv", "Content-Security-Policy")
                .attr("content", contentSecurityPolicy(remote));
        for (String url : stylesheets) {
            head.appendElement("link").attr("rel", "stylesheet").attr("href", url);
        }
        if (!styles.toString().isBlank()) {
            // Nothing we write may close the style element early: "</" is "<\/" to CSS, and not to HTML.
            head.appendElement("style").appendChild(new DataNode(styles.toString().replace("</", "<\\/")));
        }
        clean.outputSettings().prettyPrint(false).charset(StandardCharsets.UTF_8);
        String doctype = dirty.documentType() != null ? "<!DOCTYPE html>" : ""; // else quirks mode, as the mailer saw it
        return new SafeHtml(doctype + clean.outerHtml(), urls.blockedRemote(), urls.blockedOther(), truncated);
    }

    /** The policy in the document's head: no script ever; fetches only from data: unless remote content is allowed. */
    static String contentSecurityPolicy(RemoteContent remote) {
        String sources = remote == RemoteContent.ALLOWED ? " http: https:" : "";
        return "default-src 'none'; img-src data:" + sources + "; style-src 'unsafe-inline'" + sources
                + "; font-src data:" + sources + "; form-action 'none'; base-uri 'none'";
    }

    private static boolean isStylesheet(Element link) {
        for (String rel : link.attr("rel").toLowerCase(Locale.ROOT).split("[ \t\n\f\r]+")) {
            if (rel.equals("stylesheet")) {
                return true;
            }
        }
        return false;
    }

    /** The cleaner makes a new body: the mail's colours and background are on the old one. */
    private static void copySafeAttributes(Element from, Element to) {
        for (Attribute attribute : from.attributes()) {
            if (BODY.isSafeAttribute("body", from, attribute)) {
                to.attr(attribute.getKey(), attribute.getValue());
            }
        }
    }

    private static void rewriteUrls(Element element, ResourceUrls urls, CssRewriter css) {
        for (String name : List.of("src", "background", "poster")) {
            if (element.hasAttr(name)) {
                setOrRemove(element, name, urls.resource(element.attr(name)));
            }
        }
        if (element.hasAttr("srcset")) {
            String srcset = Srcset.rewrite(element.attr("srcset"), urls);
            setOrRemove(element, "srcset", srcset.isEmpty() ? null : srcset);
        }
        if (element.hasAttr("style")) {
            element.attr("style", css.rewrite(element.attr("style")));
        }
        if (element.hasAttr("href")) {
            setOrRemove(element, "href", element.nameIs("a") ? ResourceUrls.link(element.attr("href")) : null);
        }
    }

    private static void setOrRemove(Element element, String name, String value) {
        if (value == null) {
            element.removeAttr(name);
        } else {
            element.attr(name, value);
        }
    }
}
