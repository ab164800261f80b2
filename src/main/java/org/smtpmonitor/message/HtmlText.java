package org.smtpmonitor.message;

import java.util.Locale;
import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The readable text of an HTML body, for a message that has no text/plain part: paragraphs,
 * line breaks, list items and table rows become lines; scripts, styles and the head are left
 * out; a link's address follows its words. jsoup parses the HTML as a browser would, so
 * broken markup still gives its text. Nothing is fetched and nothing runs.
 */
public final class HtmlText {

    private static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "center", "dd",
            "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
            "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr",
            "ul");
    /** Blocks followed by a blank line, as a browser leaves a margin after them. */
    private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table",
            "blockquote", "pre");
    private static final Set<String> SKIPPED = Set.of("script", "style", "head", "title", "template", "noscript");

    private HtmlText() {
    }

    public static String of(String html) {
        Element body = Jsoup.parse(html).body();
        Writer writer = new Writer();
        NodeTraversor.traverse(writer, body);
        return writer.text();
    }

    /** Writes the text of the nodes as they are visited, one line per block. */
    private static final class Writer implements NodeVisitor {

        private final StringBuilder out = new StringBuilder();
        private int skipped;
        private int preformatted;

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode text && skipped == 0) {
                append(preformatted > 0 ? text.getWholeText() : collapse(text.getWholeText()));
            } else if (node instanceof Element element) {
                String name = element.normalName();
                if (SKIPPED.contains(name)) {
                    skipped++;
                } else if (name.equals("pre")) {
                    preformatted++;
                }
                if (name.equals("br")) {
                    out.append('\n');
                } else if (BLOCKS.contains(name)) {
                    endLine();
                    if (name.equals("li")) {
                        out.append("\u2022 ");
                    }
                } else if (name.equals("td") || name.equals("th")) {
                    if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                        out.append('\t');
                    }
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return;
            }
            String name = element.normalName();
            if (SKIPPED.contains(name)) {
                skipped--;
            } else if (name.equals("pre")) {
                preformatted--;
            }
            if (skipped > 0) {
                return;
            }
            if (name.equals("a")) {
                String href = element.attr("href").strip();
                String lower = href.toLowerCase(Locale.ROOT);
                if ((lower.startsWith("http:") || lower.startsWith("https:")) && !element.text().strip().equals(href)) {
                    append(" <" + href + ">");
                }
            } else if (BLOCKS.contains(name)) {
                endLine();
                if (PARAGRAPHS.contains(name)) {
                    out.append('\n');
                }
            }
        }

        /** Text after what is written, without a space at a line's start or a second space. */
        private void append(String text) {
            String piece = text;
            boolean lineStart = out.isEmpty() || out.charAt(out.length() - 1) == '\n';
            if (preformatted == 0 && (lineStart || out.charAt(out.length() - 1) == ' ')) {
                piece = piece.stripLeading();
            }
            out.append(piece);
        }

        private void endLine() {
            if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                stripTrailingSpaces();
                out.append('\n');
            }
        }

        private void stripTrailingSpaces() {
            int end = out.length();
            while (end > 0 && out.charAt(end - 1) == ' ') {
                end--;
            }
            out.setLength(end);
        }

        private static String collapse(String text) {
            return text.replaceAll("[ \\t\\r\\n\\f]+", " ");
        }

        /** The text, with runs of blank lines made one blank line. */
        String text() {
            stripTrailingSpaces();
            return out.toString().replaceAll("\n{3,}", "\n\n").strip();
        }
    }
}
