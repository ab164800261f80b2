package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.css.PseudoClass;
import javafx.scene.control.TableRow;

/**
 * A table row that turns CSS pseudo-classes on while flags of its item hold, such as
 * {@code :fresh} for a mailbox with unseen mail, and follows the flags as they change.
 */
final class FlagRow<T> extends TableRow<T> {

    /** A pseudo-class, and the flag of an item that turns it on. */
    record Flag<T>(PseudoClass pseudoClass, Function<T, ObservableValue<Boolean>> of) {
    }

    private final List<Flag<T>> flags;
    private final List<ChangeListener<Boolean>> listeners = new ArrayList<>();
    private final List<ObservableValue<Boolean>> watched = new ArrayList<>();

    FlagRow(PseudoClass pseudoClass, Function<T, ObservableValue<Boolean>> flag) {
        this(List.of(new Flag<>(pseudoClass, flag)));
    }

    FlagRow(List<Flag<T>> flags) {
        this.flags = List.copyOf(flags);
        for (Flag<T> flag : this.flags) {
            listeners.add((o, old, on) -> pseudoClassStateChanged(flag.pseudoClass(), on));
        }
    }

    @Override
    protected void updateItem(T item, boolean empty) {
        super.updateItem(item, empty);
        for (int i = 0; i < watched.size(); i++) {
            watched.get(i).removeListener(listeners.get(i));
        }
        watched.clear();
        for (int i = 0; i < flags.size(); i++) {
            Flag<T> flag = flags.get(i);
            if (item == null || empty) {
                pseudoClassStateChanged(flag.pseudoClass(), false);
                continue;
            }
            ObservableValue<Boolean> value = flag.of().apply(item);
            value.addListener(listeners.get(i));
            watched.add(value);
            pseudoClassStateChanged(flag.pseudoClass(), Boolean.TRUE.equals(value.getValue()));
        }
    }
}
