package org.smtpmonitor.smtp;

import java.util.List;

/**
 * The envelope of one message: who sent it (empty for the null sender {@code <>}), the
 * local users it is for (as the store names them), the HELO name and the queue id.
 */
public record Envelope(String queueId, String heloName, String sender, List<String> recipients) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
