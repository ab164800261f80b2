package org.smtpmonitor.event;

import java.net.InetSocketAddress;
import java.time.Instant;

/** A client connected; {@code sessionId} names the session in every later event. */
public record SessionOpened(long sessionId, InetSocketAddress client, Instant at) implements SessionEvent {
}
