package org.smtpmonitor.smtp;

import java.io.IOException;
import java.util.List;

import org.smtpmonitor.event.MessageDelivered.StoredCopy;

/** Where accepted mail goes: the SMTP session's view of the mailboxes. */
public interface MessageStore {

    /**
     * The local user that {@code address} names (compared case-insensitively), in the
     * store's own spelling, or {@code null} when there is no such user.
     */
    String findUser(String address);

    /**
     * Stores {@code length} bytes of {@code data} for every recipient of the envelope.
     * Returns only once every copy is durable; on failure no mailbox holds any part of it.
     */
    List<StoredCopy> deliver(Envelope envelope, byte[] data, int length) throws IOException;
}
