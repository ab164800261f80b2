package org.smtpmonitor.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.smtpmonitor.text.Printable;

/**
 * One line of a session's transcript: what the client sent, what the server replied, or a
 * note. Its text is kept escaped ({@link Printable}), so that the window, the clipboard and
 * a saved transcript all show a client's control and bidirectional characters visibly. The
 * note of a delivery knows the message it stored, so the window can show it.
 *
 * @param delivery the message the line notes the delivery of; null for every other line
 */
record TranscriptLine(Instant at, Direction direction, String text, Delivery delivery) {

    TranscriptLine {
        text = Printable.escape(text);
    }

    TranscriptLine(Instant at, Direction direction, String text) {
        this(at, direction, text, null);
    }

    /** A delivered message: its queue id, and the mailboxes it was stored in (a copy in each). */
    record Delivery(String queueId, List<String> mailboxes) {
        Delivery {
            mailboxes = List.copyOf(mailboxes);
        }
    }

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    enum Direction {
        CLIENT("C:"), SERVER("S:"), NOTE("--");

        private final String tag;

        Direction(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }
    }

    /**
     * The look of the line ({@link TranscriptCell}'s pseudo-class): its direction; for replies,
     * whether they report an error (4xx, 5xx); for notes, whether one of the client check or of
     * a scripted failure rule.
     */
    String style() {
        return switch (direction) {
            case CLIENT -> "client";
            case NOTE -> text.startsWith("warning: ") ? "warning" : text.startsWith("rule \"") ? "rule" : "note";
            case SERVER -> text.startsWith("4") || text.startsWith("5") ? "server-error" : "server";
        };
    }

    /** The line as shown and copied: {@code 07:20:29.887 S: 250 OK}. */
    String formatted() {
        return TIME.format(at) + " " + direction.tag() + " " + text;
    }

    /** True when the filter text occurs in the line as shown (direction included), ignoring case. */
    boolean matches(String filter) {
        if (filter == null || filter.isBlank()) {
            return true;
        }
        String needle = filter.strip().toLowerCase(Locale.ROOT);
        return (direction.tag() + " " + text).toLowerCase(Locale.ROOT).contains(needle);
    }
}
