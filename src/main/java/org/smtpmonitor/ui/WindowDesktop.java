package org.smtpmonitor.ui;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;

/**
 * What the window needs of the desktop it runs on: where it remembers its look and place
 * between runs (a {@code java.util.prefs} node, or nowhere), the desktop's preferred look,
 * and the usable areas of the screens. Injected, so that tests use a node of their own and
 * simulated screens, and never the user's real preferences.
 */
public final class WindowDesktop {

    /** The node of the real application. */
    static final String USER_NODE = "org/smtpmonitor/window";
    /** The window opens with defaults if the preferences take longer than this (a hung home directory). */
    static final long LOAD_TIMEOUT_MILLIS = 2_000;
    private static final System.Logger LOG = System.getLogger(WindowDesktop.class.getName());

    private final Supplier<Preferences> node;
    private final Supplier<Theme> systemTheme;
    private final Supplier<List<Rectangle2D>> screens;
    private CompletableFuture<WindowState> loaded;
    /** Resolved on the loading thread: creating the user root reads and may create files. */
    private volatile Preferences resolved;

    /**
     * @param node        the preferences node, asked for off the FX thread; null for one that remembers nothing
     * @param systemTheme the desktop's preferred look, asked for off the FX thread
     * @param screens     the visual bounds of the screens, primary first, asked for on the FX thread
     */
    WindowDesktop(Supplier<Preferences> node, Supplier<Theme> systemTheme, Supplier<List<Rectangle2D>> screens) {
        this.node = node;
        this.systemTheme = systemTheme;
        this.screens = screens;
    }

    /** The user's own preferences, the desktop's look and the real screens: for the real application. */
    public static WindowDesktop user() {
        return new WindowDesktop(() -> Preferences.userRoot().node(USER_NODE), SystemTheme::guess,
                WindowDesktop::realScreens);
    }

    /** Remembers nothing and opens light on the real screens: for benchmarks and screenshots. */
    public static WindowDesktop forgetful() {
        return new WindowDesktop(null, () -> Theme.LIGHT, WindowDesktop::realScreens);
    }

    /**
     * Reads the remembered state on a thread of its own, once: the first call starts it
     * (call it early, so that it runs while the toolkit starts), later calls answer the same.
     * Never fails: a store that cannot be read, or is too slow, gives a fresh state.
     */
    synchronized CompletableFuture<WindowState> load() {
        if (loaded == null) {
            loaded = new CompletableFuture<>();
            Thread thread = new Thread(this::read, "window-preferences");
            thread.setDaemon(true);
            thread.start();
            loaded.completeOnTimeout(WindowState.fresh(Theme.LIGHT), LOAD_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        return loaded;
    }

    private void read() {
        Theme theme = Theme.LIGHT;
        try {
            theme = systemTheme.get();
            resolved = node == null ? null : node.get();
            loaded.complete(resolved == null ? WindowState.fresh(theme) : WindowPreferences.read(resolved, theme));
        } catch (BackingStoreException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the window's preferences"
                    + (resolved == null ? "" : " in " + resolved.absolutePath()) + "; opening with defaults", e);
            loaded.complete(WindowState.fresh(theme));
        }
    }

    /** Remembers the window's state; off the FX thread. */
    void save(WindowState state) {
        Preferences preferences = resolved;
        if (preferences == null) {
            return;
        }
        try {
            WindowPreferences.write(preferences, state);
        } catch (BackingStoreException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remember the window's size and place in "
                    + preferences.absolutePath(), e);
        }
    }

    /** Remembers the user's choice of look; off the FX thread. */
    void saveTheme(Theme theme) {
        Preferences preferences = resolved;
        if (preferences == null) {
            return;
        }
        try {
            WindowPreferences.writeTheme(preferences, theme);
        } catch (BackingStoreException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remember the theme in " + preferences.absolutePath(), e);
        }
    }

    /**
     * A child node of the window's preferences, for what else the window remembers (the
     * Release… form); null when nothing is remembered or before {@link #load} is done.
     * Off the FX thread: it may touch files.
     */
    Preferences node(String child) {
        Preferences preferences = resolved;
        return preferences == null ? null : preferences.node(child);
    }

    /** The visual bounds of the screens, the primary first; on the FX thread. */
    List<Rectangle2D> screens() {
        return screens.get();
    }

    /** The visual bounds of the real screens, the primary first; on the FX thread. */
    static List<Rectangle2D> realScreens() {
        Screen primary = Screen.getPrimary();
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(primary),
                        Screen.getScreens().stream().filter(screen -> !screen.equals(primary)))
                .map(Screen::getVisualBounds).toList();
    }
}
