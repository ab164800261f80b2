package org.smtpmonitor.message;

import java.time.Instant;
import java.util.List;

/**
 * One stored copy as the message index knows it: where it lies in its mailbox file
 * ({@code length} bytes at {@code offset}, with an mbox file's framing), its envelope, and
 * its summary headers, decoded.
 *
 * @param id        stable across restarts (0 for a copy not yet added)
 * @param size      the message's own bytes, without mbox framing
 * @param sessionId the session that delivered it, 0 when not known (found by a rescan)
 * @param client    the client's address, empty when not known
 */
public record IndexedMessage(long id, String mailbox, long offset, long length, long size, Instant received,
                             String queueId, long sessionId, String client, String helo, String envelopeFrom,
                             List<String> envelopeTo, String from, String to, String cc, String subject, String date,
                             String messageId) {

    public IndexedMessage {
        envelopeTo = List.copyOf(envelopeTo);
    }
}
