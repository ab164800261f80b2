package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;

import org.smtpmonitor.text.Printable;

/**
 * Text from mail made safe to show over several lines: each line escaped as
 * {@link Printable} does (control and bidi characters shown, not obeyed), its line breaks
 * kept as breaks and its tabs made spaces (a tab is harmless, and {@code \x09} everywhere
 * would make text hard to read).
 */
final class DisplayText {

    private static final int TAB_STOP = 8;

    private DisplayText() {
    }

    /** One line: tabs to the next stop of eight, everything else as {@link Printable#escape}. */
    static String line(String text) {
        if (text.indexOf('\t') < 0) {
            return Printable.escape(text);
        }
        StringBuilder expanded = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                expanded.append(" ".repeat(TAB_STOP - expanded.length() % TAB_STOP));
            } else {
                expanded.append(c);
            }
        }
        return Printable.escape(expanded);
    }

    /** Lines ended by CR LF, LF or a lone CR, each as {@link #line}, joined by LF. */
    static String lines(String text) {
        return String.join("\n", lineList(text));
    }

    /**
     * The lines of {@code text} as {@link #lines} shows them, each longer than {@code width}
     * broken after its last space within the width (or at the width, when it has none).
     */
    static List<String> wrapped(String text, int width) {
        List<String> rows = new ArrayList<>();
        for (String line : lineList(text)) {
            int from = 0;
            while (line.length() - from > width) {
                int cut = line.lastIndexOf(' ', from + width - 1);
                cut = cut <= from ? from + width : cut + 1;
                if (Character.isHighSurrogate(line.charAt(cut - 1))) {
                    cut--; // a character outside the BMP stays whole
                }
                rows.add(line.substring(from, cut));
                from = cut;
            }
            rows.add(line.substring(from));
        }
        return rows;
    }

    private static List<String> lineList(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(line(text.substring(start, i)));
                if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        lines.add(line(text.substring(start)));
        return lines;
    }
}
