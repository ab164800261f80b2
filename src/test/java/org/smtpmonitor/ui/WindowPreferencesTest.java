package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import java.util.prefs.Preferences;

import javafx.geometry.Rectangle2D;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The window's state in a preferences node of the test's own, removed afterwards. */
class WindowPreferencesTest {

    private final Preferences node = Preferences.userRoot().node("org/smtpmonitor/test/" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws Exception {
        Preferences parent = node.parent();
        node.removeNode();
        parent.flush();
    }

    @Test
    void anEmptyNodeGivesTheDesktopsLookAndNoPlace() throws Exception {
        WindowState state = WindowPreferences.read(node, Theme.DARK);
        assertEquals(Theme.DARK, state.theme());
        assertFalse(state.themeChosen());
        assertNull(state.bounds());
        assertFalse(state.maximized());
        assertTrue(state.dividers().isEmpty());
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        WindowPreferences.write(node, new WindowState(Theme.DARK, true, new Rectangle2D(-1500, 40, 1100, 650), true,
                Map.of("columns", new double[] {0.4}, "mailboxSplit", new double[] {0.25, 0.75})));
        WindowState state = WindowPreferences.read(node, Theme.LIGHT);
        assertEquals(Theme.DARK, state.theme());
        assertTrue(state.themeChosen());
        assertEquals(new Rectangle2D(-1500, 40, 1100, 650), state.bounds());
        assertTrue(state.maximized());
        assertArrayEquals(new double[] {0.4}, state.dividers().get("columns"));
        assertArrayEquals(new double[] {0.25, 0.75}, state.dividers().get("mailboxSplit"));
    }

    @Test
    void aThemeTheUserNeverChoseIsNotWrittenSoTheDesktopIsFollowedNextTime() throws Exception {
        WindowPreferences.write(node, new WindowState(Theme.DARK, false, null, false, Map.of()));
        assertNull(node.get(WindowPreferences.THEME, null));
        assertEquals(Theme.LIGHT, WindowPreferences.read(node, Theme.LIGHT).theme());
    }

    @Test
    void valuesThatMakeNoSenseAreIgnoredOneByOne() throws Exception {
        node.put(WindowPreferences.THEME, "solarized");
        node.put(WindowPreferences.X, "10");
        node.put(WindowPreferences.Y, "20");
        node.put(WindowPreferences.WIDTH, "12");
        node.put(WindowPreferences.HEIGHT, "600");
        node.put(WindowPreferences.MAXIMIZED, "perhaps");
        node.put(WindowPreferences.DIVIDERS + "columns", "0.3,1.7");
        node.put(WindowPreferences.DIVIDERS + "sessionSplit", "abc");
        node.put(WindowPreferences.DIVIDERS + "previewSplit", "0.6");
        WindowState state = WindowPreferences.read(node, Theme.LIGHT);
        assertEquals(Theme.LIGHT, state.theme());
        assertFalse(state.themeChosen());
        assertNull(state.bounds(), "a window 12 pixels wide");
        assertFalse(state.maximized());
        assertEquals(Map.of("previewSplit", 0.6), Map.of("previewSplit", state.dividers().get("previewSplit")[0]));
        assertEquals(1, state.dividers().size(), state.dividers().keySet().toString());
    }
}
