package org.smtpmonitor.event;

import java.net.InetSocketAddress;
import java.time.Instant;

/** The server is bound and accepting connections on {@code address}. */
public record ServerStarted(InetSocketAddress address, String domain, Instant at) implements SessionEvent {
}
