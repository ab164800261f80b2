package org.smtpmonitor.ui;

import java.util.function.Function;

import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.css.PseudoClass;
import javafx.scene.control.TableRow;

/**
 * A table row that turns a CSS pseudo-class on while a flag of its item holds, such as
 * {@code :fresh} for a mailbox with unseen mail, and follows the flag as it changes.
 */
final class FlagRow<T> extends TableRow<T> {

    private final PseudoClass pseudoClass;
    private final Function<T, ObservableValue<Boolean>> flag;
    private final ChangeListener<Boolean> listener;
    private ObservableValue<Boolean> watched;

    FlagRow(PseudoClass pseudoClass, Function<T, ObservableValue<Boolean>> flag) {
        this.pseudoClass = pseudoClass;
        this.flag = flag;
        this.listener = (o, old, on) -> pseudoClassStateChanged(pseudoClass, on);
    }

    @Override
    protected void updateItem(T item, boolean empty) {
        super.updateItem(item, empty);
        if (watched != null) {
            watched.removeListener(listener);
            watched = null;
        }
        if (item == null || empty) {
            pseudoClassStateChanged(pseudoClass, false);
            return;
        }
        watched = flag.apply(item);
        watched.addListener(listener);
        pseudoClassStateChanged(pseudoClass, Boolean.TRUE.equals(watched.getValue()));
    }
}
