package org.smtpmonitor.message;

import java.util.Objects;

/**
 * How a stored message reached the server: over which TLS, after which SMTP AUTH. The server
 * records it with each message it delivers; it is not known for a copy found in its file by a
 * rescan, nor for one indexed before the index kept it.
 *
 * @param known         false when nothing is known of it (the other fields are then empty)
 * @param tlsProtocol   as the JDK names it, such as {@code TLSv1.3}; empty when the message came in the clear
 * @param tlsCipher     the cipher suite, such as {@code TLS_AES_128_GCM_SHA256}; empty in the clear
 * @param authMechanism the SASL mechanism, such as {@code PLAIN}; empty when the session had not authenticated
 * @param authUser      who the session had authenticated as (never a password); empty then
 */
public record Arrival(boolean known, String tlsProtocol, String tlsCipher, String authMechanism, String authUser) {

    /** How a copy came is not known. */
    public static final Arrival UNKNOWN = new Arrival(false, "", "", "", "");

    public Arrival {
        Objects.requireNonNull(tlsProtocol, "tlsProtocol");
        Objects.requireNonNull(tlsCipher, "tlsCipher");
        Objects.requireNonNull(authMechanism, "authMechanism");
        Objects.requireNonNull(authUser, "authUser");
        if (!known && !(tlsProtocol + tlsCipher + authMechanism + authUser).isEmpty()) {
            throw new IllegalArgumentException("an unknown arrival has no TLS and no AUTH");
        }
    }

    /** A known arrival: empty strings for no TLS, no AUTH. */
    public static Arrival of(String tlsProtocol, String tlsCipher, String authMechanism, String authUser) {
        return new Arrival(true, tlsProtocol, tlsCipher, authMechanism, authUser);
    }

    public boolean overTls() {
        return !tlsProtocol.isEmpty();
    }

    public boolean authenticated() {
        return !authMechanism.isEmpty();
    }
}
