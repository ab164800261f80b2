package org.smtpmonitor.ui;

import javafx.css.PseudoClass;
import javafx.scene.control.ListCell;

/**
 * A transcript line, styled by direction through pseudo-classes ({@code :client},
 * {@code :server}, {@code :server-error}, {@code :note}, {@code :warning} and {@code :rule} for the notes of
 * the client check and of scripted failures, and {@code :delivery} for the note
 * of a delivery, which opens its message): switching a pseudo-class is much
 * cheaper for the CSS engine than changing style classes, and cells are reused constantly
 * while a busy transcript scrolls.
 */
final class TranscriptCell extends ListCell<TranscriptLine> {

    private static final PseudoClass CLIENT = PseudoClass.getPseudoClass("client");
    private static final PseudoClass SERVER = PseudoClass.getPseudoClass("server");
    private static final PseudoClass SERVER_ERROR = PseudoClass.getPseudoClass("server-error");
    private static final PseudoClass NOTE = PseudoClass.getPseudoClass("note");
    /** A note of the check of the sending client, or of a scripted failure rule applied. */
    private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
    private static final PseudoClass RULE = PseudoClass.getPseudoClass("rule");
    /** A delivery's note, which opens its message. */
    private static final PseudoClass DELIVERY = PseudoClass.getPseudoClass("delivery");

    @Override
    protected void updateItem(TranscriptLine line, boolean empty) {
        super.updateItem(line, empty);
        String style = empty || line == null ? "" : line.style();
        pseudoClassStateChanged(CLIENT, style.equals("client"));
        pseudoClassStateChanged(SERVER, style.equals("server"));
        pseudoClassStateChanged(SERVER_ERROR, style.equals("server-error"));
        pseudoClassStateChanged(NOTE, style.equals("note"));
        pseudoClassStateChanged(WARNING, style.equals("warning"));
        pseudoClassStateChanged(RULE, style.equals("rule"));
        pseudoClassStateChanged(DELIVERY, !empty && line != null && line.delivery() != null);
        setText(empty || line == null ? null : line.formatted());
    }
}
