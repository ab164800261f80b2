package org.smtpmonitor.event;

import java.time.Instant;

/**
 * A line the client sent, without its line ending. Message content is not published
 * line by line: after DATA one line summarises it (for example
 * {@code <message: 1,234 bytes, 20 lines>}), so a large message costs one event.
 */
public record LineReceived(long sessionId, String text, Instant at) implements SessionEvent {
}
