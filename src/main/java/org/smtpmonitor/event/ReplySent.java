package org.smtpmonitor.event;

import java.time.Instant;

/** One line of a reply the server sent (a multi-line reply is one event per line). */
public record ReplySent(long sessionId, String text, Instant at) implements SessionEvent {
}
