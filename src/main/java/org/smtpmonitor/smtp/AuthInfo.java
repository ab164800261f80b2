package org.smtpmonitor.smtp;

/**
 * Who a session authenticated as (RFC 4954), once its AUTH succeeded.
 *
 * @param mechanism the SASL mechanism, such as {@code PLAIN} or {@code CRAM-MD5}
 * @param user      the user name: as the client gave it under {@link AuthMode#ANY}, as the users
 *                  file spells it under {@link AuthMode#USERS}; never a password
 */
public record AuthInfo(String mechanism, String user) {
}
