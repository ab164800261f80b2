package org.smtpmonitor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.smtpmonitor.app.AtomicFiles;

/**
 * The JUnit XML report of {@code expect --junit FILE}, which CI servers (Jenkins, GitLab,
 * GitHub's test reporters) show as a test: one {@code <testsuite name="smtp-monitor expect">}
 * with one {@code <testcase>} named after the criteria, passed, failed (no message matched:
 * the {@code <failure>} says which came closest) or in error (the mail could not be read).
 * The text comes partly from mail, so it is escaped for XML, and the characters XML 1.0
 * cannot hold at all (most controls, lone surrogates) are written as {@code \xNN} or U+FFFD.
 */
final class JunitReport {

    /** How the test came out. */
    enum Outcome { PASSED, FAILED, ERROR }

    private JunitReport() {
    }

    /**
     * Writes the report to {@code file}, whole or not at all.
     *
     * @param name    the test case's name: the criteria
     * @param message the one-line verdict (the failure's or error's message)
     * @param output  everything expect printed, for {@code <system-out>}
     */
    static void write(Path file, String name, Outcome outcome, String message, String output, Duration took,
                      Instant started) throws IOException {
        String seconds = String.format(Locale.ROOT, "%.3f", took.toNanos() / 1e9);
        StringBuilder xml = new StringBuilder(1024);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"smtp-monitor expect\" tests=\"1\" failures=\"")
                .append(outcome == Outcome.FAILED ? 1 : 0).append("\" errors=\"")
                .append(outcome == Outcome.ERROR ? 1 : 0).append("\" skipped=\"0\" time=\"").append(seconds)
                .append("\" timestamp=\"").append(started.toString()).append("\">\n");
        xml.append("  <testcase classname=\"smtp-monitor.expect\" name=\"").append(escape(name))
                .append("\" time=\"").append(seconds).append("\">\n");
        if (outcome != Outcome.PASSED) {
            String element = outcome == Outcome.FAILED ? "failure" : "error";
            xml.append("    <").append(element).append(" message=\"").append(escape(message))
                    .append("\" type=\"").append(outcome == Outcome.FAILED ? "NoMessageMatched" : "MailNotReadable")
                    .append("\">").append(escape(output)).append("</").append(element).append(">\n");
        }
        xml.append("    <system-out>").append(escape(output)).append("</system-out>\n");
        xml.append("  </testcase>\n</testsuite>\n");
        byte[] bytes = xml.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * {@code text} as XML character data or an attribute value: markup characters as
     * entities, line ends kept in an attribute as character references, and every character
     * XML 1.0 forbids (controls other than TAB, LF and CR, U+FFFE and U+FFFF, lone surrogates)
     * replaced, since a parser stops at the first one.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;"); // so that "]]>" never appears
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                case '\t' -> escaped.append("&#9;");
                case '\n' -> escaped.append("&#10;");
                case '\r' -> escaped.append("&#13;");
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        escaped.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        escaped.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        escaped.append('\uFFFD');
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
