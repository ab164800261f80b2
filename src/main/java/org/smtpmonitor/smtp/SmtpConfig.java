package org.smtpmonitor.smtp;

/**
 * What an SMTP session needs to know about the server it belongs to.
 *
 * @param domain            the name in the greeting and in HELO/EHLO replies
 * @param maxMessageSize    the largest message accepted, in bytes (advertised as SIZE)
 * @param maxRecipients     RCPT commands accepted per message (RFC 5321 4.5.3.1.8: at least 100)
 * @param requireHeloDomain when true, the sender's domain must equal the HELO domain
 * @param startTls          STARTTLS (RFC 3207) is offered: the server can start TLS on the connection
 * @param requireTls        MAIL is refused (530) until the session runs over TLS
 * @param auth              whether SMTP AUTH is offered, and how
 */
public record SmtpConfig(String domain, long maxMessageSize, int maxRecipients, boolean requireHeloDomain,
                         boolean startTls, boolean requireTls, AuthPolicy auth) {

    public static final long DEFAULT_MAX_MESSAGE_SIZE = 25L * 1024 * 1024;
    public static final int DEFAULT_MAX_RECIPIENTS = 100;

    public SmtpConfig {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("the server needs a domain");
        }
        if (maxMessageSize < 1 || maxMessageSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the message size limit must be between 1 byte and 2 GB");
        }
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("at least one recipient per message must be allowed");
        }
        if (requireTls && !startTls) {
            throw new IllegalArgumentException("TLS cannot be required of a server that offers none");
        }
        if (auth == null) {
            throw new IllegalArgumentException("an AUTH policy is needed (AuthPolicy.OFF for none)");
        }
    }

    /** Without TLS and without SMTP AUTH. */
    public SmtpConfig(String domain, long maxMessageSize, int maxRecipients, boolean requireHeloDomain) {
        this(domain, maxMessageSize, maxRecipients, requireHeloDomain, false, false, AuthPolicy.OFF);
    }

    /** Without TLS. */
    public SmtpConfig(String domain, long maxMessageSize, int maxRecipients, boolean requireHeloDomain,
                      AuthPolicy auth) {
        this(domain, maxMessageSize, maxRecipients, requireHeloDomain, false, false, auth);
    }

    /** Without SMTP AUTH. */
    public SmtpConfig(String domain, long maxMessageSize, int maxRecipients, boolean requireHeloDomain,
                      boolean startTls, boolean requireTls) {
        this(domain, maxMessageSize, maxRecipients, requireHeloDomain, startTls, requireTls, AuthPolicy.OFF);
    }

    public static SmtpConfig defaults(String domain) {
        return new SmtpConfig(domain, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_RECIPIENTS, false);
    }
}
