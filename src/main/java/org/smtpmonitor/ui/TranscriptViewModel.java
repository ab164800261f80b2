package org.smtpmonitor.ui;

import java.util.List;

import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The transcript pane's state: which session it shows, the filter, the lines that pass
 * it, whether it follows the newest line (each session has its own say, which this shows
 * and changes), and how many old lines were dropped.
 */
final class TranscriptViewModel {

    private final ObjectProperty<SessionRow> selectedSession = new SimpleObjectProperty<>();
    private final StringProperty filter = new SimpleStringProperty("");
    private final ReadOnlyObjectWrapper<ObservableList<TranscriptLine>> visibleLines =
            new ReadOnlyObjectWrapper<>(FXCollections.emptyObservableList());
    private final StringProperty droppedText = new SimpleStringProperty("");
    private final BooleanProperty follow = new SimpleBooleanProperty(true);
    private FilteredList<TranscriptLine> filtered;

    TranscriptViewModel() {
        selectedSession.addListener((o, old, row) -> {
            if (old != null) {
                follow.unbindBidirectional(old.followProperty());
            }
            show(row);
        });
        filter.addListener((o, old, text) -> {
            if (filtered != null) {
                filtered.setPredicate(line -> line.matches(text));
            }
        });
    }

    private void show(SessionRow row) {
        droppedText.unbind();
        if (row == null) {
            filtered = null;
            visibleLines.set(FXCollections.emptyObservableList());
            droppedText.set("");
            follow.set(true);
            return;
        }
        // Takes the session's own value first, then changes with it both ways.
        follow.bindBidirectional(row.followProperty());
        String text = filter.get();
        filtered = new FilteredList<>(row.transcript().lines(), line -> line.matches(text));
        visibleLines.set(filtered);
        droppedText.bind(Bindings.createStringBinding(() -> {
            long dropped = row.transcript().dropped();
            return dropped == 0 ? "" : String.format("%,d earlier lines dropped (the newest %,d are kept)",
                    dropped, row.transcript().lines().size());
        }, row.transcript().droppedProperty()));
    }

    ObjectProperty<SessionRow> selectedSessionProperty() {
        return selectedSession;
    }

    StringProperty filterProperty() {
        return filter;
    }

    /** The selected session's lines that pass the filter, live. */
    ReadOnlyObjectProperty<ObservableList<TranscriptLine>> visibleLinesProperty() {
        return visibleLines.getReadOnlyProperty();
    }

    ObservableList<TranscriptLine> visibleLines() {
        return visibleLines.get();
    }

    StringProperty droppedTextProperty() {
        return droppedText;
    }

    /** Keep the newest line of the session shown in view; off once the user scrolls up. */
    BooleanProperty followProperty() {
        return follow;
    }

    /** Lines as text, one a line, as copied and saved. */
    static String text(List<TranscriptLine> lines) {
        StringBuilder out = new StringBuilder(lines.size() * 40);
        for (TranscriptLine line : lines) {
            out.append(line.formatted()).append(System.lineSeparator());
        }
        return out.toString();
    }
}
