package org.smtpmonitor.event;

import java.time.Instant;

/**
 * A mailbox that did not exist when the server started now does: a catch-all's first
 * delivery to an address, or a user added to the users file while it runs. Its file exists.
 */
public record MailboxAdded(String address, Instant at) implements SessionEvent {
}
