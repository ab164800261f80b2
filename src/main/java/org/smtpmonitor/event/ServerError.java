package org.smtpmonitor.event;

import java.time.Instant;

/**
 * Something went wrong that a user should see: a mailbox that could not be written,
 * an accept that failed. {@code sessionId} is 0 when no session is involved.
 */
public record ServerError(long sessionId, String message, Instant at) implements SessionEvent {
}
