package org.smtpmonitor.cli;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.Instant;
import java.util.List;

import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.text.Printable;

/**
 * The headless mode's log: one line per server event, each session's lines tagged with
 * its id ({@code [3] C: MAIL FROM:<a@x>}). It is fed in batches from a
 * {@link org.smtpmonitor.event.QueuedListener}, so a slow console never slows the server.
 * Every line is escaped ({@link Printable}): what clients send is shown, never obeyed.
 */
final class ConsoleLog {

    private final PrintStream out;

    ConsoleLog(PrintStream out) {
        this.out = out;
    }

    void print(List<SessionEvent> events) {
        StringBuilder text = new StringBuilder(events.size() * 48);
        // The zone's offset is looked up once a batch, not once a line: a busy server logs
        // hundreds of thousands of lines a second, and DateTimeFormatter costs a microsecond each.
        long offsetMillis = ZoneId.systemDefault().getRules().getOffset(Instant.now()).getTotalSeconds() * 1000L;
        for (SessionEvent event : events) {
            appendTime(text, event.at().toEpochMilli() + offsetMillis);
            // Client text goes to a terminal: escaped, so that it cannot command the terminal or forge a line.
            text.append(' ').append(Printable.escape(format(event))).append(System.lineSeparator());
        }
        out.print(text);
        out.flush();
    }

    /** Appends {@code HH:mm:ss.SSS} of a local time given in milliseconds since the epoch. */
    static void appendTime(StringBuilder text, long localMillis) {
        long millisOfDay = Math.floorMod(localMillis, 86_400_000L);
        appendDigits(text, millisOfDay / 3_600_000, 2).append(':');
        appendDigits(text, millisOfDay / 60_000 % 60, 2).append(':');
        appendDigits(text, millisOfDay / 1000 % 60, 2).append('.');
        appendDigits(text, millisOfDay % 1000, 3);
    }

    private static StringBuilder appendDigits(StringBuilder text, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }

    void dropped(long count) {
        out.println("... " + count + " events not logged: the console could not keep up");
    }

    static String format(SessionEvent event) {
        long session = EventText.sessionOf(event);
        String text = EventText.of(event);
        return session > 0 ? "[" + session + "] " + text : text;
    }
}
