package org.smtpmonitor.ui;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import javafx.scene.control.ToggleButton;

/**
 * The toolbar's light/dark toggle: selected means dark. A switch applies the other theme to
 * every window at once and remembers the choice (written off the FX thread); until the user
 * switches, the window follows the desktop's look each time it opens.
 */
final class ThemeSwitch {

    private final ToggleButton toggle;
    private final Executor writer;
    private final Consumer<Theme> remember;
    private Theme theme;
    private boolean chosen;

    /**
     * @param remember writes the choice; run on {@code writer}
     */
    ThemeSwitch(ToggleButton toggle, WindowState state, Executor writer, Consumer<Theme> remember) {
        this.toggle = toggle;
        this.writer = writer;
        this.remember = remember;
        this.theme = state.theme();
        this.chosen = state.themeChosen();
        toggle.setSelected(theme == Theme.DARK);
        // The button's own click has flipped its state already; a shortcut fires it, so both come here.
        toggle.setOnAction(e -> choose(toggle.isSelected() ? Theme.DARK : Theme.LIGHT));
    }

    /** Switches to the other theme, as a click on the toggle does. */
    void switchTheme() {
        toggle.fire();
    }

    private void choose(Theme chosenTheme) {
        if (chosenTheme == theme && chosen) {
            return;
        }
        theme = chosenTheme;
        chosen = true;
        theme.apply();
        Theme written = theme;
        writer.execute(() -> remember.accept(written));
    }

    Theme theme() {
        return theme;
    }

    boolean chosen() {
        return chosen;
    }
}
