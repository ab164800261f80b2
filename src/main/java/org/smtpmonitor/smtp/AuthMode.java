package org.smtpmonitor.smtp;

import java.util.Locale;

/** Which credentials SMTP AUTH (RFC 4954) accepts, if it is offered at all. */
public enum AuthMode {
    /** AUTH is not offered: every client may send without it. */
    OFF,
    /** Every user name and password is accepted: what a developer testing an application's login needs. */
    ANY,
    /** Only a user of the users file, with the password its line gives. */
    USERS;

    /**
     * The mode called {@code name}: {@code off}, {@code any} or {@code users}, in any case.
     *
     * @throws IllegalArgumentException for any other name, saying so
     */
    public static AuthMode named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "any" -> ANY;
            case "users" -> USERS;
            default -> throw new IllegalArgumentException("'" + name + "' is not off, any or users");
        };
    }
}
