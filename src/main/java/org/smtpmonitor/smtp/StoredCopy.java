package org.smtpmonitor.smtp;

import java.nio.file.Path;

/**
 * One recipient's copy of a stored message: {@code length} bytes at {@code offset} of
 * {@code mailbox}. It is what a {@link MessageStore} returns, so that a reader knows the
 * message's boundaries even in a format that does not mark them.
 */
public record StoredCopy(String recipient, Path mailbox, long offset, long length) {
}
