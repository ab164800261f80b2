package org.smtpmonitor.ui;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import java.util.stream.Collectors;

import javafx.geometry.Rectangle2D;

/**
 * Reads and writes a {@link WindowState} in a {@code java.util.prefs} node. What another
 * version wrote, or a hand edit broke, is ignored key by key rather than trusted: a size
 * below {@link #MIN_SIZE}, a divider outside 0..1, a theme this version does not know.
 * Both read and write touch files: never on the FX thread.
 */
final class WindowPreferences {

    /** Below this the remembered size is not believed (a window shrunk by accident stays usable). */
    static final double MIN_SIZE = 200;
    static final String THEME = "theme";
    static final String X = "x";
    static final String Y = "y";
    static final String WIDTH = "width";
    static final String HEIGHT = "height";
    static final String MAXIMIZED = "maximized";
    /** Followed by a split pane's id: its divider positions, comma-separated. */
    static final String DIVIDERS = "dividers.";

    private WindowPreferences() {
    }

    /** @param systemTheme the look when the user never chose one */
    static WindowState read(Preferences node, Theme systemTheme) throws BackingStoreException {
        Theme chosen = Theme.ofKey(node.get(THEME, null));
        double x = node.getDouble(X, Double.NaN);
        double y = node.getDouble(Y, Double.NaN);
        double width = node.getDouble(WIDTH, Double.NaN);
        double height = node.getDouble(HEIGHT, Double.NaN);
        Rectangle2D bounds = Double.isFinite(x) && Double.isFinite(y) && width >= MIN_SIZE && height >= MIN_SIZE
                && width < 100_000 && height < 100_000 ? new Rectangle2D(x, y, width, height) : null;
        Map<String, double[]> dividers = new HashMap<>();
        for (String key : node.keys()) {
            if (key.startsWith(DIVIDERS)) {
                double[] positions = positions(node.get(key, ""));
                if (positions != null) {
                    dividers.put(key.substring(DIVIDERS.length()), positions);
                }
            }
        }
        return new WindowState(chosen != null ? chosen : systemTheme, chosen != null, bounds,
                node.getBoolean(MAXIMIZED, false), dividers);
    }

    /** Writes the place and the dividers (the theme only once chosen), then flushes. */
    static void write(Preferences node, WindowState state) throws BackingStoreException {
        if (state.themeChosen()) {
            node.put(THEME, state.theme().key());
        }
        if (state.bounds() != null) {
            node.putDouble(X, state.bounds().getMinX());
            node.putDouble(Y, state.bounds().getMinY());
            node.putDouble(WIDTH, state.bounds().getWidth());
            node.putDouble(HEIGHT, state.bounds().getHeight());
        }
        node.putBoolean(MAXIMIZED, state.maximized());
        state.dividers().forEach((id, positions) -> node.put(DIVIDERS + id, Arrays.stream(positions)
                .mapToObj(Double::toString).collect(Collectors.joining(","))));
        node.flush();
    }

    /** Writes the user's choice of look at once, so that it survives even a run that never closes cleanly. */
    static void writeTheme(Preferences node, Theme theme) throws BackingStoreException {
        node.put(THEME, theme.key());
        node.flush();
    }

    private static double[] positions(String text) {
        String[] parts = text.split(",");
        double[] positions = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                positions[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                return null;
            }
            if (!(positions[i] >= 0 && positions[i] <= 1)) {
                return null;
            }
        }
        return positions;
    }
}
