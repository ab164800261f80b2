package org.smtpmonitor.cli;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;

/**
 * The headless mode's log: one line per server event, each session's lines tagged with
 * its id ({@code [3] C: MAIL FROM:<a@x>}). It is fed in batches from a
 * {@link org.smtpmonitor.event.QueuedListener}, so a slow console never slows the server.
 */
final class ConsoleLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final PrintStream out;

    ConsoleLog(PrintStream out) {
        this.out = out;
    }

    void print(List<SessionEvent> events) {
        StringBuilder text = new StringBuilder(events.size() * 48);
        for (SessionEvent event : events) {
            text.append(TIME.format(event.at())).append(' ').append(format(event)).append(System.lineSeparator());
        }
        out.print(text);
        out.flush();
    }

    void dropped(long count) {
        out.println("... " + count + " events not logged: the console could not keep up");
    }

    static String format(SessionEvent event) {
        if (event instanceof LineReceived e) {
            return "[" + e.sessionId() + "] C: " + e.text();
        } else if (event instanceof ReplySent e) {
            return "[" + e.sessionId() + "] S: " + e.text();
        } else if (event instanceof SessionOpened e) {
            return "[" + e.sessionId() + "] Connection from " + e.client().getAddress().getHostAddress() + ":" + e.client().getPort();
        } else if (event instanceof SessionClosed e) {
            return "[" + e.sessionId() + "] Closed (" + e.reason().label() + ")";
        } else if (event instanceof MessageDelivered e) {
            return "[" + e.sessionId() + "] Delivered " + e.queueId() + ": " + e.size() + " bytes from <"
                    + e.sender() + "> to " + String.join(", ", e.recipients());
        } else if (event instanceof ServerError e) {
            return (e.sessionId() > 0 ? "[" + e.sessionId() + "] " : "") + "Error: " + e.message();
        } else if (event instanceof ServerStarted e) {
            return "Waiting for connections on " + e.address().getAddress().getHostAddress() + ":" + e.address().getPort();
        } else if (event instanceof ServerStopped) {
            return "Server stopped";
        }
        return event.toString();
    }
}
