package org.smtpmonitor.ui;

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
        StringBuilder shown = new StringBuilder(text.length() + 16);
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                shown.append(line(text.substring(start, i))).append('\n');
                if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return shown.append(line(text.substring(start))).toString();
    }
}
