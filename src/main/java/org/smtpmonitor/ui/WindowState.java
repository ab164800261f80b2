package org.smtpmonitor.ui;

import java.util.Map;

import javafx.geometry.Rectangle2D;

/**
 * The window's look and place as remembered between runs.
 *
 * @param theme       the look to open with: the user's choice, or else the desktop's (see {@link SystemTheme})
 * @param themeChosen whether the user chose {@code theme} (then it is remembered; else the desktop is followed)
 * @param bounds      where the window was when not maximised, or null when never remembered
 * @param maximized   whether it was maximised
 * @param dividers    the divider positions of each split pane, by the pane's id
 */
record WindowState(Theme theme, boolean themeChosen, Rectangle2D bounds, boolean maximized,
                   Map<String, double[]> dividers) {

    WindowState {
        dividers = Map.copyOf(dividers);
    }

    /** Nothing remembered: the given look, the default place. */
    static WindowState fresh(Theme theme) {
        return new WindowState(theme, false, null, false, Map.of());
    }
}
