package org.smtpmonitor.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One stored copy as the message index knows it: where it lies in its mailbox file
 * ({@code length} bytes at {@code offset}, with an mbox file's framing), its envelope, and
 * its summary headers, decoded.
 *
 * @param id        stable across restarts (0 for a copy not yet added)
 * @param size      the message's own bytes, without mbox framing
 * @param sessionId the session that delivered it, 0 when not known (found by a rescan)
 * @param client    the client's address, empty when not known
 * @param summarized whether the index has read its summary headers yet: under a flood,
 *                   and after a crash, a copy is indexed first by its place and envelope
 * @param read       whether the window has shown it (kept in the index, so lost when the
 *                   index is built again)
 * @param arrival    over which TLS and after which AUTH it came, when known
 */
public record IndexedMessage(long id, String mailbox, long offset, long length, long size, Instant received,
                             String queueId, long sessionId, String client, String helo, String envelopeFrom,
                             List<String> envelopeTo, String from, String to, String cc, String subject, String date,
                             String messageId, boolean summarized, boolean read, Arrival arrival) {

    public IndexedMessage {
        envelopeTo = List.copyOf(envelopeTo);
        Objects.requireNonNull(arrival, "arrival");
    }

    /** A copy whose arrival is not known. */
    public IndexedMessage(long id, String mailbox, long offset, long length, long size, Instant received,
                          String queueId, long sessionId, String client, String helo, String envelopeFrom,
                          List<String> envelopeTo, String from, String to, String cc, String subject, String date,
                          String messageId, boolean summarized, boolean read) {
        this(id, mailbox, offset, length, size, received, queueId, sessionId, client, helo, envelopeFrom, envelopeTo,
                from, to, cc, subject, date, messageId, summarized, read, Arrival.UNKNOWN);
    }

    /** A copy not shown yet. */
    public IndexedMessage(long id, String mailbox, long offset, long length, long size, Instant received,
                          String queueId, long sessionId, String client, String helo, String envelopeFrom,
                          List<String> envelopeTo, String from, String to, String cc, String subject, String date,
                          String messageId, boolean summarized) {
        this(id, mailbox, offset, length, size, received, queueId, sessionId, client, helo, envelopeFrom, envelopeTo,
                from, to, cc, subject, date, messageId, summarized, false);
    }

    /** A copy with its summary. */
    public IndexedMessage(long id, String mailbox, long offset, long length, long size, Instant received,
                          String queueId, long sessionId, String client, String helo, String envelopeFrom,
                          List<String> envelopeTo, String from, String to, String cc, String subject, String date,
                          String messageId) {
        this(id, mailbox, offset, length, size, received, queueId, sessionId, client, helo, envelopeFrom, envelopeTo,
                from, to, cc, subject, date, messageId, true);
    }

    /** This copy with the headers of {@code summary}, read from its file by whoever shows it before the index did. */
    public IndexedMessage withHeaders(Summary summary) {
        return new IndexedMessage(id, mailbox, offset, length, size, received, queueId, sessionId, client, helo,
                envelopeFrom, envelopeTo, summary.from(), summary.to(), summary.cc(), summary.subject(), summary.date(),
                summary.messageId(), summarized, read, arrival);
    }
}
