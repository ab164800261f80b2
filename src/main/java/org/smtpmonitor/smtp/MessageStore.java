package org.smtpmonitor.smtp;

import java.io.IOException;
import java.util.List;


/** Where accepted mail goes: the SMTP session's view of the mailboxes. */
public interface MessageStore {

    /**
     * The local user that {@code address} names (compared case-insensitively), in the
     * store's own spelling, or {@code null} when there is no such user.
     */
    String findUser(String address);

    /**
     * The clear password of {@code user} (as {@link #findUser} spells it), for SMTP AUTH; null
     * when the user has none, and then cannot authenticate.
     */
    default String passwordOf(String user) {
        return null;
    }

    /**
     * Writes {@code length} bytes of {@code data} for every recipient of the envelope, but
     * does not wait for the disk: the copies are durable once {@link Pending#awaitDurable()}
     * returns. Deliveries appended one after another and then awaited share the waiting
     * (group commit). If anything fails, no mailbox keeps any part of the message.
     */
    Pending append(Envelope envelope, byte[] data, int length) throws IOException;

    /** {@link #append} and wait until every copy is durable. */
    default List<StoredCopy> deliver(Envelope envelope, byte[] data, int length) throws IOException {
        return append(envelope, data, length).awaitDurable();
    }

    /** A message written but perhaps not yet on disk. */
    interface Pending {
        /** Returns the copies once they are on disk; throws when the disk failed to take them. */
        List<StoredCopy> awaitDurable() throws IOException;
    }
}
