package org.smtpmonitor.smtp;

import java.util.List;

/**
 * The envelope of one message: who sent it (empty for the null sender {@code <>}), the
 * local users it is for (as the store names them), the HELO name and the queue id, and
 * the session and client it came from.
 *
 * @param sessionId the server's session, 0 when there is none (a test's store call)
 * @param client    the client's address and port as text, empty when not known
 */
public record Envelope(String queueId, String heloName, String sender, List<String> recipients, long sessionId,
                       String client) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    /** An envelope that came from no session. */
    public Envelope(String queueId, String heloName, String sender, List<String> recipients) {
        this(queueId, heloName, sender, recipients, 0, "");
    }
}
