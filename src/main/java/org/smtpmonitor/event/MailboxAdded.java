package org.smtpmonitor.event;

import java.time.Instant;

/** A mailbox that did not exist at start was made: a catch-all's first delivery, or a user added to the users file. */
public record MailboxAdded(String address, Instant at) implements SessionEvent {
}
