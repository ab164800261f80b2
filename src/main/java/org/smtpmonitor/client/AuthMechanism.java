package org.smtpmonitor.client;

import java.util.Collection;

/**
 * The SASL mechanisms our clients speak for SMTP AUTH (RFC 4954), in the order they are
 * preferred when the server offers several: CRAM-MD5 (RFC 2195) keeps the password off the
 * wire, PLAIN (RFC 4616) is the standard one, LOGIN the old one some servers alone offer.
 */
public enum AuthMechanism {
    CRAM_MD5("CRAM-MD5"),
    PLAIN("PLAIN"),
    LOGIN("LOGIN");

    private final String wireName;

    AuthMechanism(String wireName) {
        this.wireName = wireName;
    }

    /** The name in EHLO and AUTH: {@code CRAM-MD5}. */
    public String wireName() {
        return wireName;
    }

    /** The mechanism with this name, in any case. */
    public static AuthMechanism named(String name) {
        for (AuthMechanism mechanism : values()) {
            if (mechanism.wireName.equalsIgnoreCase(name.strip())) {
                return mechanism;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a mechanism this client speaks:"
                + " CRAM-MD5, PLAIN or LOGIN");
    }

    /** The most preferred of the mechanisms a server offers (names in upper case), or null if none is ours. */
    public static AuthMechanism preferred(Collection<String> offered) {
        for (AuthMechanism mechanism : values()) {
            if (offered.contains(mechanism.wireName)) {
                return mechanism;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
