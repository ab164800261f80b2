package org.smtpmonitor.ui;

import java.util.List;

import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.ObservableList;

/**
 * The newest lines of one session, at most {@code limit} of them; older lines are dropped
 * and counted, so a long session cannot use up memory. Changed on the FX thread only.
 */
final class Transcript {

    static final int DEFAULT_LIMIT = 10_000;

    private final BoundedList<TranscriptLine> lines;
    private final LongProperty dropped = new SimpleLongProperty();

    Transcript(int limit) {
        this.lines = new BoundedList<>(limit);
    }

    /** Adds a batch of lines as one list change, whatever the batch size; returns how many lines it dropped. */
    int append(List<TranscriptLine> batch) {
        int lost = lines.append(batch);
        if (lost > 0) {
            // After the lines changed, so that a view showing both figures sees them agree.
            dropped.set(dropped.get() + lost);
        }
        return lost;
    }

    /** Drops every line kept (counted as dropped); returns how many there were. */
    int dropAll() {
        int lost = lines.dropAll();
        dropped.set(dropped.get() + lost);
        return lost;
    }

    ObservableList<TranscriptLine> lines() {
        return lines;
    }

    /** Lines dropped from the start to keep the newest {@code limit}. */
    ReadOnlyLongProperty droppedProperty() {
        return dropped;
    }

    long dropped() {
        return dropped.get();
    }
}
