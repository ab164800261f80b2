package org.smtpmonitor.event;

import java.time.Instant;

/** A scripted failure rule named {@code rule} was applied to the session: {@code action} in words. */
public record RuleApplied(long sessionId, String rule, String action, Instant at) implements SessionEvent {
}
