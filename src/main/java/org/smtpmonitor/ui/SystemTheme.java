package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Guesses whether the desktop prefers a dark look: JavaFX 21 cannot tell. Only what is
 * cheap to read and cannot hang: the environment and two small settings files, read once,
 * off the FX thread, while the toolkit starts. In order:
 * <ol>
 * <li>{@code GTK_THEME}, GTK's own override: {@code Adwaita:dark}, or a theme named {@code ...-dark};
 * <li>GTK's {@code settings.ini} (4.0, then 3.0, under {@code $XDG_CONFIG_HOME} or {@code ~/.config}):
 *     {@code gtk-application-prefer-dark-theme=true}, or a {@code gtk-theme-name} ending in {@code -dark};
 * <li>KDE's {@code kdeglobals}: a {@code ColorScheme} whose name says dark (Breeze Dark).
 * </ol>
 * Anything else, Windows and macOS included, is light. GNOME's newer {@code color-scheme}
 * lives in dconf's binary database, readable only by running {@code gsettings}: not cheap,
 * so a GNOME user who chose dark there but no dark GTK theme gets light until the toggle.
 */
final class SystemTheme {

    private SystemTheme() {
    }

    /** The guess for the real desktop. */
    static Theme guess() {
        return guess(System.getenv(), Path.of(System.getProperty("user.home", ".")), SystemTheme::readSmall);
    }

    /**
     * @param files reads a settings file, answering null when there is none or it cannot be read
     */
    static Theme guess(Map<String, String> env, Path home, Function<Path, String> files) {
        String gtkTheme = env.get("GTK_THEME");
        if (gtkTheme != null && !gtkTheme.isBlank()) {
            return darkName(gtkTheme) ? Theme.DARK : Theme.LIGHT;
        }
        String configHome = env.get("XDG_CONFIG_HOME");
        Path config = configHome != null && !configHome.isBlank() ? Path.of(configHome) : home.resolve(".config");
        for (String gtk : new String[] {"gtk-4.0", "gtk-3.0"}) {
            String settings = files.apply(config.resolve(gtk).resolve("settings.ini"));
            if (settings != null && gtkSettingsSayDark(settings)) {
                return Theme.DARK;
            }
        }
        String kde = files.apply(config.resolve("kdeglobals"));
        return kde != null && kdeSaysDark(kde) ? Theme.DARK : Theme.LIGHT;
    }

    private static boolean gtkSettingsSayDark(String settings) {
        String prefer = value(settings, "gtk-application-prefer-dark-theme");
        if (prefer != null && (prefer.equals("1") || prefer.equalsIgnoreCase("true"))) {
            return true;
        }
        String name = value(settings, "gtk-theme-name");
        return name != null && darkName(name);
    }

    private static boolean kdeSaysDark(String kdeglobals) {
        String scheme = value(kdeglobals, "ColorScheme");
        return scheme != null && scheme.toLowerCase(Locale.ROOT).contains("dark");
    }

    /** {@code Name:dark} (GTK's variant syntax) or {@code Name-dark}. */
    private static boolean darkName(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(":dark") || lower.endsWith("-dark") || lower.endsWith("_dark");
    }

    /** The value of the first {@code key=value} line for {@code key}, in any section. */
    private static String value(String ini, String key) {
        for (String line : ini.split("\r?\n")) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).strip().equals(key)) {
                return line.substring(equals + 1).strip().replace("\"", "");
            }
        }
        return null;
    }

    /** A settings file of at most 64 KB, or null: a bigger one is not a settings file. */
    private static String readSmall(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 65_536) {
                return null;
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
