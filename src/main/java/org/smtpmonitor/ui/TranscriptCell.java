package org.smtpmonitor.ui;

import java.util.List;

import javafx.scene.control.ListCell;

/** A transcript line, styled by direction ({@code client}, {@code server}, {@code server-error}, {@code note}). */
final class TranscriptCell extends ListCell<TranscriptLine> {

    private static final List<String> STYLES = List.of("client", "server", "server-error", "note");

    @Override
    protected void updateItem(TranscriptLine line, boolean empty) {
        super.updateItem(line, empty);
        getStyleClass().removeAll(STYLES);
        if (empty || line == null) {
            setText(null);
            return;
        }
        setText(line.formatted());
        getStyleClass().add(styleOf(line));
    }

    static String styleOf(TranscriptLine line) {
        return switch (line.direction()) {
            case CLIENT -> "client";
            case NOTE -> "note";
            case SERVER -> line.text().startsWith("4") || line.text().startsWith("5") ? "server-error" : "server";
        };
    }
}
