package org.smtpmonitor.ui;

import javafx.css.PseudoClass;
import javafx.scene.control.ListCell;

/**
 * A transcript line, styled by direction through pseudo-classes ({@code :client},
 * {@code :server}, {@code :server-error}, {@code :note}, and {@code :delivery} for the note
 * of a delivery, which opens its message): switching a pseudo-class is much
 * cheaper for the CSS engine than changing style classes, and cells are reused constantly
 * while a busy transcript scrolls.
 */
final class TranscriptCell extends ListCell<TranscriptLine> {

    private static final PseudoClass CLIENT = PseudoClass.getPseudoClass("client");
    private static final PseudoClass SERVER = PseudoClass.getPseudoClass("server");
    private static final PseudoClass SERVER_ERROR = PseudoClass.getPseudoClass("server-error");
    private static final PseudoClass NOTE = PseudoClass.getPseudoClass("note");
    /** A delivery's note, which opens its message. */
    private static final PseudoClass DELIVERY = PseudoClass.getPseudoClass("delivery");

    @Override
    protected void updateItem(TranscriptLine line, boolean empty) {
        super.updateItem(line, empty);
        String style = empty || line == null ? "" : styleOf(line);
        pseudoClassStateChanged(CLIENT, style.equals("client"));
        pseudoClassStateChanged(SERVER, style.equals("server"));
        pseudoClassStateChanged(SERVER_ERROR, style.equals("server-error"));
        pseudoClassStateChanged(NOTE, style.equals("note"));
        pseudoClassStateChanged(DELIVERY, !empty && line != null && line.delivery() != null);
        setText(empty || line == null ? null : line.formatted());
    }

    /** The look of a line: its direction, and for replies whether they report an error (4xx, 5xx). */
    static String styleOf(TranscriptLine line) {
        return switch (line.direction()) {
            case CLIENT -> "client";
            case NOTE -> "note";
            case SERVER -> line.text().startsWith("4") || line.text().startsWith("5") ? "server-error" : "server";
        };
    }
}
