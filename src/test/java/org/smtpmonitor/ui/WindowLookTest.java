package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.util.List;
import java.util.concurrent.TimeUnit;

import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/**
 * The window's look and place: the light/dark toggle and its memory, the fit to a small
 * screen, and the size, place and dividers remembered between runs (in the test's own
 * preferences node, see {@link WindowTestSupport#preferences}).
 */
class WindowLookTest extends WindowTestBase {

    @AfterEach
    void backToLight() throws Exception {
        // The theme is the whole application's: the next test class starts light, as its window would.
        fx(() -> {
            Theme.LIGHT.apply();
            return null;
        });
    }

    @Test
    void theToggleAndItsShortcutSwitchTheThemeAndTheColoursOfTheWindow() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        clickRow("#sessionsTable", "1");
        await("the refusal is in the transcript", () -> refusal() != null);
        assertEquals(Theme.LIGHT.stylesheet(), fx(Application::getUserAgentStylesheet));
        Color light = statusBarFill();
        Color lightRefusal = fx(this::refusal);
        assertTrue(lightRefusal.getRed() > 2 * lightRefusal.getGreen(), "a red refusal: " + lightRefusal);
        assertTrue(light.getBrightness() > 0.9, "a light status bar: " + light);

        clickOn("#themeToggle");
        assertEquals(Theme.DARK.stylesheet(), fx(Application::getUserAgentStylesheet));
        await("the status bar turns dark", () -> statusBarFillNow().getBrightness() < 0.2, this::statusBarFillNow);
        assertTrue(fx(() -> lookup("#themeToggle").queryAs(ToggleButton.class).isSelected()));
        await("the refusal is in the dark theme's red", () -> !refusal().equals(lightRefusal), this::refusal);
        Color darkRefusal = fx(this::refusal);
        assertTrue(darkRefusal.getRed() > 2 * darkRefusal.getGreen() && darkRefusal.getBrightness() > 0.9,
                "a red bright enough on dark: " + darkRefusal);

        press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.D).release(KeyCode.D, KeyCode.SHIFT, KeyCode.CONTROL);
        assertEquals(Theme.LIGHT.stylesheet(), fx(Application::getUserAgentStylesheet));
        await("the status bar is light again", () -> statusBarFillNow().equals(light), this::statusBarFillNow);
        assertFalse(fx(() -> lookup("#themeToggle").queryAs(ToggleButton.class).isSelected()));
    }

    @Test
    void theChosenThemeIsRememberedForTheNextWindow() throws Exception {
        open(MailboxFormat.RAW);
        clickOn("#themeToggle");
        await("the choice is written", () -> "dark".equals(app.preferences.get(WindowPreferences.THEME, null)));
        closeWindow();
        fx(() -> {
            Theme.LIGHT.apply();
            return null;
        });

        open(MailboxFormat.RAW);
        assertEquals(Theme.DARK.stylesheet(), fx(Application::getUserAgentStylesheet));
        assertTrue(fx(() -> lookup("#themeToggle").queryAs(ToggleButton.class).isSelected()));
        await("the window is dark", () -> statusBarFillNow().getBrightness() < 0.2, this::statusBarFillNow);
    }

    @Test
    void onA1024By600ScreenTheToolbarAndTheStatusBarAreOnTheScreen() throws Exception {
        Rectangle2D netbook = new Rectangle2D(0, 0, 1024, 600);
        app.screens = List.of(netbook);
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        await("the session is listed", () -> Views.rows(table("#sessionsTable")).size() == 1);
        fx(() -> {
            app.stage.getScene().getRoot().layout();
            return null;
        });
        assertEquals(netbook, fx(() -> new Rectangle2D(app.stage.getX(), app.stage.getY(), app.stage.getWidth(),
                app.stage.getHeight())));
        Parent root = fx(() -> app.stage.getScene().getRoot());
        assertTrue(fx(() -> root.minWidth(-1) <= 1024 && root.minHeight(-1) <= 600),
                "the layout's minimum size allows it: " + fx(() -> root.minWidth(-1) + "x" + root.minHeight(-1)));
        for (String id : List.of(".tool-bar", "#serverButton", "#themeToggle", ".status-bar", "#listeningLabel",
                "#ioErrorsLabel")) {
            Bounds bounds = fx(() -> {
                Node node = lookup(id).query();
                return node.localToScreen(node.getBoundsInLocal());
            });
            assertTrue(bounds.getMinX() >= 0 && bounds.getMinY() >= 0 && bounds.getMaxX() <= 1024
                    && bounds.getMaxY() <= 600, id + " on the screen: " + bounds);
        }
    }

    @Test
    void theRememberedSizePlaceAndDividersAreRestoredAndWhatTheUserChangesIsRemembered() throws Exception {
        app.preferences.putDouble(WindowPreferences.X, 60);
        app.preferences.putDouble(WindowPreferences.Y, 40);
        app.preferences.putDouble(WindowPreferences.WIDTH, 1000);
        app.preferences.putDouble(WindowPreferences.HEIGHT, 640);
        app.preferences.put(WindowPreferences.DIVIDERS + "columns", "0.3");
        app.preferences.put(WindowPreferences.DIVIDERS + "sessionSplit", "0.6");
        open(MailboxFormat.RAW);
        assertEquals(new Rectangle2D(60, 40, 1000, 640), fx(() -> new Rectangle2D(app.stage.getX(), app.stage.getY(),
                app.stage.getWidth(), app.stage.getHeight())));
        assertEquals(0.3, fx(() -> split("#columns").getDividerPositions()[0]), 0.01);
        assertEquals(0.6, fx(() -> split("#sessionSplit").getDividerPositions()[0]), 0.01);

        fx(() -> {
            app.stage.setX(100);
            app.stage.setY(70);
            app.stage.setWidth(1100);
            app.stage.setHeight(700);
            split("#columns").setDividerPositions(0.45);
            split("#previewSplit").setDividerPositions(0.3);
            return null;
        });
        closeWindow();
        assertEquals(100, app.preferences.getDouble(WindowPreferences.X, -1));
        assertEquals(70, app.preferences.getDouble(WindowPreferences.Y, -1));
        assertEquals(1100, app.preferences.getDouble(WindowPreferences.WIDTH, -1));
        assertEquals(700, app.preferences.getDouble(WindowPreferences.HEIGHT, -1));
        assertEquals(0.45, Double.parseDouble(app.preferences.get(WindowPreferences.DIVIDERS + "columns", "")), 0.01);
        assertEquals(0.3, Double.parseDouble(app.preferences.get(WindowPreferences.DIVIDERS + "previewSplit", "")), 0.01);
        assertFalse(app.preferences.getBoolean(WindowPreferences.MAXIMIZED, true));

        open(MailboxFormat.RAW);
        assertEquals(new Rectangle2D(100, 70, 1100, 700), fx(() -> new Rectangle2D(app.stage.getX(), app.stage.getY(),
                app.stage.getWidth(), app.stage.getHeight())));
        assertEquals(0.3, fx(() -> split("#previewSplit").getDividerPositions()[0]), 0.01);
    }

    @Test
    void aWindowRememberedOnAScreenThatIsGoneOpensOnThisOne() throws Exception {
        // As if a second monitor, on the right, was unplugged since the last run.
        app.preferences.putDouble(WindowPreferences.X, 3000);
        app.preferences.putDouble(WindowPreferences.Y, 200);
        app.preferences.putDouble(WindowPreferences.WIDTH, 900);
        app.preferences.putDouble(WindowPreferences.HEIGHT, 600);
        open(MailboxFormat.RAW);
        Rectangle2D screen = fx(() -> WindowDesktop.realScreens().get(0));
        Rectangle2D placed = fx(() -> new Rectangle2D(app.stage.getX(), app.stage.getY(), app.stage.getWidth(),
                app.stage.getHeight()));
        assertEquals(900, placed.getWidth());
        assertTrue(placed.getMinX() >= screen.getMinX() && placed.getMaxX() <= screen.getMaxX()
                && placed.getMinY() >= screen.getMinY() && placed.getMaxY() <= screen.getMaxY(),
                placed + " on " + screen);
    }

    @Test
    void aMaximisedWindowOpensMaximisedAndRemembersItsSizeBeforeThat() throws Exception {
        app.preferences.putDouble(WindowPreferences.X, 50);
        app.preferences.putDouble(WindowPreferences.Y, 50);
        app.preferences.putDouble(WindowPreferences.WIDTH, 800);
        app.preferences.putDouble(WindowPreferences.HEIGHT, 500);
        app.preferences.putBoolean(WindowPreferences.MAXIMIZED, true);
        open(MailboxFormat.RAW);
        assertTrue(fx(() -> app.stage.isMaximized()));
        closeWindow();
        assertTrue(app.preferences.getBoolean(WindowPreferences.MAXIMIZED, false));
        assertEquals(800, app.preferences.getDouble(WindowPreferences.WIDTH, -1));
        assertEquals(50, app.preferences.getDouble(WindowPreferences.X, -1));
    }

    /** The colour of the transcript's first 5xx reply, or null when none is shown; on the FX thread. */
    private Color refusal() {
        for (Node node : transcript().lookupAll(".list-cell")) {
            if (node instanceof javafx.scene.control.ListCell<?> cell && cell.getText() != null
                    && cell.getText().contains("S: 550")) {
                return (Color) cell.getTextFill();
            }
        }
        return null;
    }

    private SplitPane split(String id) {
        return lookup(id).queryAs(SplitPane.class);
    }

    private Color statusBarFill() throws Exception {
        return fx(this::statusBarFillNow);
    }

    /** On the FX thread. */
    private Color statusBarFillNow() {
        Paint fill = ((Region) lookup(".status-bar").query()).getBackground().getFills().get(0).getFill();
        return (Color) fill;
    }

    private void closeWindow() throws Exception {
        MainWindow window = app.launcher.window();
        fx(() -> {
            window.close();
            return null;
        });
        window.closed().get(20, TimeUnit.SECONDS);
        assertNotEquals(null, window);
    }
}
