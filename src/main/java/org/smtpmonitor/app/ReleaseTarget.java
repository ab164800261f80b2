package org.smtpmonitor.app;

import java.util.List;

/**
 * Where to release a stored message to: a real SMTP server, reached with our own client.
 *
 * @param host       the server's host name or address
 * @param port       its port (25, 587, 465...)
 * @param security   plain, STARTTLS, or TLS from the first byte
 * @param user       the AUTH user, or null for no AUTH
 * @param password   the AUTH password (with {@code user}); never shown, never kept
 * @param insecure   trust any certificate (a test server's self-signed one)
 * @param recipients the envelope recipients to send to; empty for the stored envelope's
 */
public record ReleaseTarget(String host, int port, Security security, String user, String password, boolean insecure,
                            List<String> recipients) {

    /** How the connection is protected. */
    public enum Security { PLAIN, STARTTLS, TLS }

    public ReleaseTarget {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port " + port + " is not between 1 and 65535");
        }
        security = security == null ? Security.PLAIN : security;
        if (user != null && password == null) {
            throw new IllegalArgumentException("a user needs a password");
        }
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    @Override
    public String toString() {
        // Never the password.
        return "ReleaseTarget[" + host + ":" + port + " " + security + (user == null ? "" : " as " + user)
                + (insecure ? " insecure" : "") + " to " + recipients + "]";
    }
}
