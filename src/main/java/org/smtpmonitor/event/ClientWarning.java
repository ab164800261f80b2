package org.smtpmonitor.event;

import java.time.Instant;

/**
 * The client did something a well-behaved SMTP client does not (a bare LF in the data, a
 * line over 998 bytes, a HELO name that is no domain...): {@code kind} is a short stable id
 * such as {@code bare-lf}, {@code text} says what and which RFC section, and may quote what
 * the client sent: escape it wherever it is shown. Each kind once per session.
 */
public record ClientWarning(long sessionId, String kind, String text, Instant at) implements SessionEvent {
}
