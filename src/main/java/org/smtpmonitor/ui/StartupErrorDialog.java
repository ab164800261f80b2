package org.smtpmonitor.ui;

import java.util.function.Consumer;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;

import org.smtpmonitor.app.StartupException;

/**
 * Tells the user why smtp-monitor could not start (the file, line and reason, or the
 * port) and offers "Choose another file…" or "Quit". Not modal-blocking: the answer goes
 * to a callback, so nothing waits on the FX thread.
 */
final class StartupErrorDialog {

    static final ButtonType CHOOSE = new ButtonType("Choose another file\u2026", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType QUIT = new ButtonType("Quit", ButtonBar.ButtonData.CANCEL_CLOSE);

    private StartupErrorDialog() {
    }

    /** Shows the dialog; {@code onAnswer} gets true for "Choose another file…", false for "Quit" or closing it. */
    static Alert show(StartupException error, Consumer<Boolean> onAnswer) {
        Alert alert = new Alert(Alert.AlertType.ERROR, "", CHOOSE, QUIT);
        alert.setTitle("smtp-monitor could not start");
        alert.setHeaderText(switch (error.kind()) {
            case USERS_FILE -> "The users file cannot be used";
            case MAILBOX_DIRECTORY -> "The mailbox directory cannot be used";
            case PORT -> "The server cannot listen";
            case TLS -> "The TLS certificate cannot be used";
            case RULES_FILE -> "The rules file cannot be used";
        });
        alert.setContentText(error.getMessage());
        alert.getDialogPane().setId("startup-error");
        alert.getDialogPane().setMinWidth(560);
        alert.getDialogPane().getStylesheets().add(
                StartupErrorDialog.class.getResource("/fxml/monitor.css").toExternalForm());
        alert.setOnHidden(e -> onAnswer.accept(alert.getResult() == CHOOSE));
        alert.show();
        return alert;
    }
}
