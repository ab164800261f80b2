package org.smtpmonitor.event;

import java.time.Instant;
import java.util.List;

import org.smtpmonitor.smtp.StoredCopy;

/**
 * A message was stored durably in every recipient's mailbox before its 250 was sent.
 * Each {@link StoredCopy} says where in which file the copy lies, so a viewer knows
 * message boundaries even in the raw format.
 */
public record MessageDelivered(long sessionId, String queueId, String sender, List<String> recipients,
                               List<StoredCopy> copies, long size, Instant at) implements SessionEvent {

    public MessageDelivered {
        recipients = List.copyOf(recipients);
        copies = List.copyOf(copies);
    }
}
