package org.smtpmonitor.event;

import java.time.Instant;

/**
 * A scripted-failure rule applied to a step of a session: {@code rule} is its name and
 * {@code action} what it did, in words ({@code reply 452}, {@code delay 2000 ms},
 * {@code close before the reply}, {@code message stored nowhere}, {@code throttle 512 bytes/s},
 * joined by commas when it did several).
 */
public record RuleApplied(long sessionId, String rule, String action, Instant at) implements SessionEvent {
}
