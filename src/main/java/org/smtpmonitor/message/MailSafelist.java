package org.smtpmonitor.message;

import org.jsoup.safety.Safelist;

/**
 * The elements and attributes of mail HTML that {@link SafeHtml} keeps: what newsletters and
 * receipts need to look right (tables with their old presentational attributes, fonts, colours,
 * inline styles, images), and nothing that runs, embeds, submits or navigates by itself: no
 * script, frames, objects, forms, meta, base, link or SVG.
 *
 * <p>URL attributes ({@code src}, {@code srcset}, {@code background}, {@code href}) are allowed
 * here and rewritten afterwards by {@link ResourceUrls}, which knows {@code cid:} and the remote
 * mode; only links also get jsoup's own protocol check, as a second guard.
 */
final class MailSafelist {

    private static final String[] TAGS = {
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl",
        "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "s", "samp",
        "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    };

    /** Attributes any element may have: what mail uses for layout and style. */
    private static final String[] COMMON = {
        "align", "background", "bgcolor", "border", "class", "dir", "height", "id", "lang", "style", "title",
        "valign", "width",
    };

    private MailSafelist() {
    }

    /**
     * The attributes kept on the body, for {@link Safelist#isSafeAttribute} only: the cleaner
     * copies what is inside a body, never the body itself, so body is no tag of {@link #create()}.
     */
    static Safelist body() {
        return new Safelist().addAttributes("body", COMMON).addAttributes("body", "text", "link", "vlink", "alink");
    }

    static Safelist create() {
        return new Safelist()
                .addTags(TAGS)
                .addAttributes(":all", COMMON)
                .addAttributes("a", "href", "name")
                .addProtocols("a", "href", "http", "https", "mailto")
                .addEnforcedAttribute("a", "rel", "noopener noreferrer")
                .addAttributes("blockquote", "cite")
                .addAttributes("col", "span")
                .addAttributes("colgroup", "span")
                .addAttributes("del", "cite", "datetime")
                .addAttributes("font", "color", "face", "size")
                .addAttributes("hr", "color", "noshade", "size")
                .addAttributes("img", "src", "srcset", "alt", "hspace", "vspace")
                .addAttributes("ins", "cite", "datetime")
                .addAttributes("li", "type", "value")
                .addAttributes("ol", "reversed", "start", "type")
                .addAttributes("q", "cite")
                .addAttributes("table", "cellpadding", "cellspacing", "frame", "rules", "summary")
                .addAttributes("td", "abbr", "axis", "colspan", "headers", "nowrap", "rowspan", "scope")
                .addAttributes("th", "abbr", "axis", "colspan", "headers", "nowrap", "rowspan", "scope")
                .addAttributes("time", "datetime")
                .addAttributes("ul", "type")
                .preserveRelativeLinks(true); // our own rewriting decides; relative URLs are dropped there
    }
}
