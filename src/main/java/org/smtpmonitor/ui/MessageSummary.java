package org.smtpmonitor.ui;

import java.time.Instant;

import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.text.Printable;

/**
 * One row of the message list: a stored message as the index knows it, or one of the two
 * rows that are not messages: the bytes at the end of a raw mailbox whose message
 * boundaries nobody knows ({@link Kind#UNINDEXED}), and the row that loads the next page
 * ({@link Kind#MORE}). Texts are escaped for display: a sender's control and bidi
 * characters are shown, not obeyed.
 *
 * @param id     the message's id in the index (0 for a row that is not a message)
 * @param size   the message's bytes; the unindexed bytes for {@link Kind#UNINDEXED}
 * @param unread not shown yet when it was listed (see {@link MessageListViewModel#isUnread})
 */
record MessageSummary(Kind kind, long id, String mailbox, Instant received, String envelopeFrom, String from,
                      String subject, long size, boolean unread) {

    enum Kind {
        MESSAGE, UNINDEXED, MORE
    }

    static MessageSummary of(IndexedMessage message) {
        return new MessageSummary(Kind.MESSAGE, message.id(), message.mailbox(), message.received(),
                Printable.escape(message.envelopeFrom()), Printable.escape(message.from()),
                Printable.escape(message.subject()), message.size(), !message.read());
    }

    /** The row for {@code bytes} at the end of a raw mailbox that no indexed message covers. */
    static MessageSummary unindexed(String mailbox, long bytes) {
        return new MessageSummary(Kind.UNINDEXED, 0, mailbox, null, "", "",
                "(" + Sizes.human(bytes) + " unindexed: mail whose message boundaries are unknown)", bytes, false);
    }

    /** The row that loads the next page; {@code text} says how many are shown. */
    static MessageSummary more(String text) {
        return new MessageSummary(Kind.MORE, 0, "", null, "", "", text, 0, false);
    }

    boolean isMessage() {
        return kind == Kind.MESSAGE;
    }
}
