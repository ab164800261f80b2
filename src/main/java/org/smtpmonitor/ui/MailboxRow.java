package org.smtpmonitor.ui;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;

/** One row of the mailboxes table, as the message index counts it. Changed on the FX thread only. */
final class MailboxRow {

    private final String address;
    private final Path file;
    private final LongProperty messages = new SimpleLongProperty();
    private final LongProperty unindexedBytes = new SimpleLongProperty();
    private final LongProperty size = new SimpleLongProperty();
    private final ObjectProperty<Instant> lastDelivery = new SimpleObjectProperty<>();
    private final BooleanProperty fresh = new SimpleBooleanProperty();
    private final LongProperty unread = new SimpleLongProperty();
    private final BooleanProperty removed = new SimpleBooleanProperty();

    MailboxRow(String address, Path file) {
        this.address = address;
        this.file = file;
    }

    String address() {
        return address;
    }

    Path file() {
        return file;
    }

    /** The messages the index holds for this mailbox. */
    LongProperty messagesProperty() {
        return messages;
    }

    /** Bytes at the end of a raw mailbox file that no indexed message covers (their boundaries are unknown). */
    LongProperty unindexedBytesProperty() {
        return unindexedBytes;
    }

    /** The mailbox file's size. */
    LongProperty sizeProperty() {
        return size;
    }

    ObjectProperty<Instant> lastDeliveryProperty() {
        return lastDelivery;
    }

    /** Messages the window has not shown yet, as the index counts them. */
    LongProperty unreadProperty() {
        return unread;
    }

    /** Mail arrived since the user last looked at this mailbox. */
    BooleanProperty freshProperty() {
        return fresh;
    }

    /** The user was taken out of the users file while the monitor ran: new mail to it gets 550, its mail is kept. */
    BooleanProperty removedProperty() {
        return removed;
    }

    /** The count as the table shows it: {@code 12}, or {@code 12 + 3.1 KB unindexed}. */
    String countText() {
        String count = String.format(Locale.ROOT, "%,d", messages.get());
        return unindexedBytes.get() > 0 ? count + " + " + Sizes.human(unindexedBytes.get()) + " unindexed" : count;
    }
}
