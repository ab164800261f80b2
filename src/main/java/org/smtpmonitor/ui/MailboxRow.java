package org.smtpmonitor.ui;

import java.nio.file.Path;
import java.time.Instant;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;

/** One row of the mailboxes table. Changed on the FX thread only. */
final class MailboxRow {

    private final String address;
    private final Path file;
    private final IntegerProperty messages = new SimpleIntegerProperty();
    private final BooleanProperty unknownContent = new SimpleBooleanProperty();
    private final LongProperty size = new SimpleLongProperty();
    private final ObjectProperty<Instant> lastDelivery = new SimpleObjectProperty<>();
    private final BooleanProperty fresh = new SimpleBooleanProperty();
    private long generation = -1;

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

    /** Messages whose boundaries are known (all of an mbox file; those delivered in this run of a raw one). */
    IntegerProperty messagesProperty() {
        return messages;
    }

    /** True when part of the file is mail of unknown boundaries (a raw file written before). */
    BooleanProperty unknownContentProperty() {
        return unknownContent;
    }

    LongProperty sizeProperty() {
        return size;
    }

    ObjectProperty<Instant> lastDeliveryProperty() {
        return lastDelivery;
    }

    /** Mail arrived since the user last looked at this mailbox. */
    BooleanProperty freshProperty() {
        return fresh;
    }

    /** The count as the table shows it: {@code 12}, or {@code 12 + earlier} for mail of unknown boundaries. */
    String countText() {
        return messages.get() + (unknownContent.get() ? " + earlier" : "");
    }

    long generation() {
        return generation;
    }

    void generation(long value) {
        generation = value;
    }
}
