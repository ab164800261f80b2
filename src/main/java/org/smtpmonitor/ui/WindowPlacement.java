package org.smtpmonitor.ui;

import java.util.List;

import javafx.geometry.Rectangle2D;

/**
 * Where the window opens, on rectangles only (no stage, no screen) so that any desktop can be
 * tested: a 1024×600 laptop, two monitors, one of them unplugged since the last run. The
 * window fits the screen it opens on and is never placed off it.
 */
final class WindowPlacement {

    /** The size of a first run, when it fits. */
    static final double DEFAULT_WIDTH = 1280;
    static final double DEFAULT_HEIGHT = 800;
    /**
     * How much of the window's top edge must lie on a screen for the title bar to be grabbed:
     * a strip as tall as a title bar, and wide enough for a hand to find it.
     */
    static final double TITLE_BAR_HEIGHT = 24;
    static final double TITLE_BAR_GRIP = 100;

    private WindowPlacement() {
    }

    /**
     * @param remembered where the window was (outer bounds), or null on a first run
     * @param screens    the visual bounds of the screens (without task bars and docks), the primary first
     * @return the outer bounds to open at: on the screen that shows the remembered title bar,
     * or else centred on the primary screen; no larger than that screen, and wholly on it
     */
    static Rectangle2D place(Rectangle2D remembered, List<Rectangle2D> screens) {
        if (screens.isEmpty()) {
            throw new IllegalArgumentException("no screen to place the window on");
        }
        Rectangle2D screen = remembered == null ? null : screenShowingTitleBar(remembered, screens);
        if (screen == null) {
            screen = screens.get(0);
            double width = Math.min(remembered == null ? DEFAULT_WIDTH : remembered.getWidth(), screen.getWidth());
            double height = Math.min(remembered == null ? DEFAULT_HEIGHT : remembered.getHeight(), screen.getHeight());
            return new Rectangle2D(screen.getMinX() + (screen.getWidth() - width) / 2,
                    screen.getMinY() + (screen.getHeight() - height) / 2, width, height);
        }
        double width = Math.min(remembered.getWidth(), screen.getWidth());
        double height = Math.min(remembered.getHeight(), screen.getHeight());
        double x = clamp(remembered.getMinX(), screen.getMinX(), screen.getMaxX() - width);
        double y = clamp(remembered.getMinY(), screen.getMinY(), screen.getMaxY() - height);
        return new Rectangle2D(x, y, width, height);
    }

    /** The screen with the most of the title bar's strip on it, if enough of it is on one. */
    private static Rectangle2D screenShowingTitleBar(Rectangle2D window, List<Rectangle2D> screens) {
        Rectangle2D titleBar = new Rectangle2D(window.getMinX(), window.getMinY(), window.getWidth(),
                Math.min(TITLE_BAR_HEIGHT, window.getHeight()));
        Rectangle2D best = null;
        double bestWidth = 0;
        for (Rectangle2D screen : screens) {
            double width = Math.min(titleBar.getMaxX(), screen.getMaxX()) - Math.max(titleBar.getMinX(), screen.getMinX());
            double height = Math.min(titleBar.getMaxY(), screen.getMaxY()) - Math.max(titleBar.getMinY(), screen.getMinY());
            boolean grabbable = height > 0 && width >= Math.min(TITLE_BAR_GRIP, titleBar.getWidth());
            if (grabbable && width > bestWidth) {
                best = screen;
                bestWidth = width;
            }
        }
        return best;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(value, max));
    }
}
