package org.smtpmonitor.ui;

import java.util.List;

import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The newest lines of one session, at most {@code limit} of them; older lines are dropped
 * and counted, so a long session cannot use up memory. Changed on the FX thread only.
 */
final class Transcript {

    static final int DEFAULT_LIMIT = 10_000;

    private final int limit;
    private final ObservableList<TranscriptLine> lines = FXCollections.observableArrayList();
    private final LongProperty dropped = new SimpleLongProperty();

    Transcript(int limit) {
        this.limit = limit;
    }

    /** Adds a batch of lines at once (one or two list changes, whatever the batch size). */
    void append(List<TranscriptLine> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (batch.size() >= limit) {
            long lost = lines.size() + batch.size() - limit;
            lines.setAll(batch.subList(batch.size() - limit, batch.size()));
            dropped.set(dropped.get() + lost);
            return;
        }
        int excess = lines.size() + batch.size() - limit;
        if (excess > 0) {
            lines.remove(0, excess);
        }
        lines.addAll(batch);
        if (excess > 0) {
            // After the lines changed, so that a view showing both figures sees them agree.
            dropped.set(dropped.get() + excess);
        }
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
