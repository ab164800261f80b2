package org.smtpmonitor.message;

/**
 * The order a page of messages is listed in, as the message index sorts them: by one of
 * the columns a list shows, then by the order the messages were stored, in the same
 * direction, so that every message has one place and pages never overlap.
 *
 * @param descending largest (or newest, or last in the alphabet) first
 */
public record MessageOrder(Key key, boolean descending) {

    /** The newest first: how lists start. */
    public static final MessageOrder NEWEST_FIRST = new MessageOrder(Key.RECEIVED, true);

    /** What is compared. Texts compare ignoring the case of ASCII letters; sizes are the message's own bytes. */
    public enum Key {
        /** The order the messages were stored in (received times follow it). */
        RECEIVED,
        /** MAIL FROM. */
        ENVELOPE_FROM,
        /** The From header, decoded. */
        FROM,
        /** The Subject header, decoded. */
        SUBJECT,
        SIZE
    }

    public MessageOrder {
        if (key == null) {
            throw new IllegalArgumentException("an order needs a key");
        }
    }
}
