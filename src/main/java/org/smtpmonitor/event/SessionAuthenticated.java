package org.smtpmonitor.event;

import java.time.Instant;

/**
 * A session's SMTP AUTH succeeded: with which SASL mechanism ({@code PLAIN}, {@code LOGIN},
 * {@code CRAM-MD5}), as which user. Never a password: the exchange's lines are published
 * masked ({@code AUTH PLAIN ****}).
 */
public record SessionAuthenticated(long sessionId, String mechanism, String user, Instant at) implements SessionEvent {
}
