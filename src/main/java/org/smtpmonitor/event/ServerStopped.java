package org.smtpmonitor.event;

import java.time.Instant;

/** The server has stopped accepting connections and every session has ended. */
public record ServerStopped(Instant at) implements SessionEvent {
}
