package org.smtpmonitor.smtp;

import java.util.List;

/**
 * The envelope of one message: who sent it (empty for the null sender {@code <>}), the
 * local users it is for (as the store names them), the HELO name and the queue id, the
 * session and client it came from, and how it came: over which TLS, after which AUTH.
 *
 * @param sessionId the server's session, 0 when there is none (a test's store call)
 * @param client    the client's address and port as text, empty when not known
 * @param tls       the session's TLS when the message came, null when it came in the clear
 * @param auth      who the session had authenticated as, null when it had not
 */
public record Envelope(String queueId, String heloName, String sender, List<String> recipients, long sessionId,
                       String client, TlsInfo tls, AuthInfo auth) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    /** An envelope of a session in the clear, without AUTH. */
    public Envelope(String queueId, String heloName, String sender, List<String> recipients, long sessionId,
                    String client) {
        this(queueId, heloName, sender, recipients, sessionId, client, null, null);
    }

    /** An envelope that came from no session. */
    public Envelope(String queueId, String heloName, String sender, List<String> recipients) {
        this(queueId, heloName, sender, recipients, 0, "");
    }
}
