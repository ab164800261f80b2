package org.smtpmonitor.api;

import java.util.Set;

/**
 * One event of {@code GET /api/events}, ready to send: its id, its whole frame
 * ({@code id:}, {@code event:}, {@code data:} and the blank line), made once for every
 * client, and the mailboxes it concerns (lower case; only a message-delivered event has
 * any), for a client's {@code ?mailbox=} filter.
 */
record StreamEvent(long id, String frame, Set<String> mailboxes) {

    static StreamEvent of(long id, String type, String json, Set<String> mailboxes) {
        // The JSON writer escapes CR and LF, so the data is one line, as SSE needs.
        return new StreamEvent(id, "id: " + id + "\nevent: " + type + "\ndata: " + json + "\n\n", mailboxes);
    }

    /** What it holds in memory, about: its frame's characters. */
    long bytes() {
        return 2L * frame.length();
    }

    boolean touches(String mailbox) {
        return mailboxes.contains(mailbox);
    }
}
