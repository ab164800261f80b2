package org.smtpmonitor.ui;

import java.util.Locale;
import java.util.function.Consumer;

import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

/**
 * Asks before a mailbox is emptied, naming it and its count. Cancel is the default button,
 * so Enter keeps the mail. Not modal-blocking: the answer goes to a callback.
 */
final class ClearMailboxDialog {

    static final ButtonType CLEAR = new ButtonType("Clear mailbox", ButtonBar.ButtonData.OK_DONE);

    private ClearMailboxDialog() {
    }

    /**
     * Shows the dialog; {@code onAnswer} gets true for "Clear mailbox", false for Cancel or
     * closing it. {@code unindexedBytes} of a raw mailbox are not messages the index knows,
     * and a clear keeps them: the dialog says so.
     */
    static Alert show(Window owner, String address, long messages, long unindexedBytes, Consumer<Boolean> onAnswer) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "", CLEAR, ButtonType.CANCEL);
        if (owner != null) {
            alert.initOwner(owner);
        }
        alert.setTitle("Clear mailbox");
        alert.setHeaderText("Clear " + address + "?");
        alert.setContentText(String.format(Locale.ROOT,
                "All %,d message%s of %s will be deleted from its mailbox file.%s This cannot be undone.",
                messages, messages == 1 ? "" : "s", address, unindexedBytes == 0 ? ""
                        : " The " + Sizes.human(unindexedBytes) + " of unindexed mail before them, whose message"
                        + " boundaries are unknown, stay."));
        alert.getDialogPane().setId("clear-mailbox");
        ((Button) alert.getDialogPane().lookupButton(CLEAR)).setDefaultButton(false);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        alert.setOnHidden(e -> onAnswer.accept(alert.getResult() == CLEAR));
        alert.show();
        return alert;
    }
}
