package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The guess at the desktop's preferred look, from the environment and settings files given to it. */
class SystemThemeTest {

    private static final Path HOME = Path.of("/home/alice");
    private final Map<Path, String> files = new HashMap<>();

    private Theme guess(Map<String, String> env) {
        return SystemTheme.guess(env, HOME, files::get);
    }

    @Test
    void nothingToGoByIsLight() {
        assertEquals(Theme.LIGHT, guess(Map.of()));
    }

    @Test
    void gtkThemeWithTheDarkVariantIsDark() {
        assertEquals(Theme.DARK, guess(Map.of("GTK_THEME", "Adwaita:dark")));
        assertEquals(Theme.DARK, guess(Map.of("GTK_THEME", "Yaru-dark")));
        assertEquals(Theme.LIGHT, guess(Map.of("GTK_THEME", "Adwaita")));
    }

    @Test
    void gtkThemeOverridesTheSettingsFiles() {
        files.put(HOME.resolve(".config/gtk-3.0/settings.ini"), "[Settings]\ngtk-application-prefer-dark-theme=1\n");
        assertEquals(Theme.LIGHT, guess(Map.of("GTK_THEME", "Adwaita")));
    }

    @Test
    void gtkSettingsPreferringDarkAreDark() {
        files.put(HOME.resolve(".config/gtk-3.0/settings.ini"), "[Settings]\ngtk-application-prefer-dark-theme = true\n");
        assertEquals(Theme.DARK, guess(Map.of()));
    }

    @Test
    void aDarkGtkThemeNameInGtk4SettingsIsDark() {
        files.put(HOME.resolve(".config/gtk-4.0/settings.ini"), "[Settings]\ngtk-theme-name=Arc-Dark\n");
        assertEquals(Theme.DARK, guess(Map.of()));
    }

    @Test
    void settingsThatPreferLightAreLight() {
        files.put(HOME.resolve(".config/gtk-3.0/settings.ini"),
                "[Settings]\ngtk-application-prefer-dark-theme=0\ngtk-theme-name=Adwaita\n");
        assertEquals(Theme.LIGHT, guess(Map.of()));
    }

    @Test
    void theXdgConfigHomeIsWhereTheSettingsAre() {
        files.put(Path.of("/cfg/gtk-3.0/settings.ini"), "[Settings]\ngtk-application-prefer-dark-theme=1\n");
        assertEquals(Theme.DARK, guess(Map.of("XDG_CONFIG_HOME", "/cfg")));
        assertEquals(Theme.LIGHT, guess(Map.of()));
    }

    @Test
    void kdeBreezeDarkIsDark() {
        files.put(HOME.resolve(".config/kdeglobals"), "[General]\nColorScheme=BreezeDark\n");
        assertEquals(Theme.DARK, guess(Map.of()));
    }
}
