package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javafx.scene.control.DialogPane;
import javafx.scene.control.TableView;
import javafx.stage.Window;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;

/** How the window starts: the file chooser when no users file is given, and the error dialog. */
class LaunchTest extends FxThreadRobot {

    @TempDir
    Path directory;
    WindowTestSupport app;
    final Deque<Path> chooserAnswers = new ArrayDeque<>();
    final AtomicInteger chooserCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        app = new WindowTestSupport(directory);
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    /** Our chooser: answers the queued paths in turn, then "cancel". */
    private Path choose(Window owner) {
        chooserCalls.incrementAndGet();
        return chooserAnswers.poll();
    }

    private void launch(Settings settings, Path usersFile) throws Exception {
        app.launch(settings, usersFile, this::choose, owner -> null);
    }

    private DialogPane errorDialog() {
        return lookup("#startup-error").queryAs(DialogPane.class);
    }

    private boolean errorDialogShown() {
        return lookup("#startup-error").tryQuery().isPresent() && errorDialog().getScene().getWindow().isShowing();
    }

    @Test
    void withoutUsersFileTheChooserAsksAndTheWindowOpensOnTheChosenFile() throws Exception {
        chooserAnswers.add(app.usersFile("team.txt", "alice@example.com"));
        launch(app.settings(MailboxFormat.RAW), null);
        await("the window opens", () -> app.launcher.window() != null && app.stage.isShowing());
        assertEquals(1, chooserCalls.get());
        assertTrue(fx(() -> app.stage.getTitle()).endsWith(" \u2014 team.txt"), fx(() -> app.stage.getTitle()));
    }

    @Test
    void cancellingTheChooserExitsWithZeroAndSaysWhy() throws Exception {
        launch(app.settings(MailboxFormat.RAW), null);
        assertEquals(0, app.exit.get(10, TimeUnit.SECONDS));
        assertEquals(1, chooserCalls.get());
        assertTrue(app.errText().contains("no users file chosen"), app.errText());
        assertNull(app.launcher.window());
    }

    @Test
    void badUsersFileShowsFileLineAndReasonThenChooseAnotherFileOpensTheWindow() throws Exception {
        Path bad = app.usersFile("bad.txt", "alice@example.com", "# a comment", "bob@@example.com");
        chooserAnswers.add(app.usersFile("good.txt", "carol@example.com"));
        launch(app.settings(MailboxFormat.RAW), bad);
        await("the error dialog shows", this::errorDialogShown);
        String content = fx(() -> errorDialog().getContentText());
        assertTrue(content.startsWith(bad + ":3: 'bob@@example.com' is not an address"), content);
        assertEquals("The users file cannot be used", fx(() -> errorDialog().getHeaderText()));

        clickOn("Choose another file\u2026");
        await("the window opens on the other file", () -> app.launcher.window() != null && app.stage.isShowing());
        assertTrue(fx(() -> app.stage.getTitle()).endsWith(" \u2014 good.txt"));
        assertEquals(1, chooserCalls.get());
    }

    @Test
    void aMonitorStartedBeforeTheWindowOpensItWithItsCounts() throws Exception {
        Path users = app.usersFile("users.txt", "alice@example.com", "bob@example.com");
        Settings settings = app.settings(MailboxFormat.RAW);
        MonitorStart starting = MonitorStart.begin(users, settings);
        starting.started.get(20, TimeUnit.SECONDS);
        app.launch(settings, starting);
        await("the window opens", () -> app.launcher.window() != null && app.stage.isShowing());
        assertEquals(2, fx(() -> ((TableView<?>) app.launcher.window().stage().getScene().lookup("#mailboxesTable"))
                .getItems().size()));
    }

    @Test
    void aStartThatFailedBeforeTheWindowShowsItsError() throws Exception {
        Path missing = directory.resolve("missing.txt");
        MonitorStart starting = MonitorStart.begin(missing, app.settings(MailboxFormat.RAW));
        await("the start failed", starting.started::isCompletedExceptionally);
        app.launch(app.settings(MailboxFormat.RAW), starting);
        await("the error dialog shows", this::errorDialogShown);
        assertTrue(fx(() -> errorDialog().getContentText()).startsWith(missing.toString()));
    }

    @Test
    void quitOnTheErrorDialogExitsNonZeroAndLeavesNothingRunning() throws Exception {
        Path missing = directory.resolve("missing.txt");
        launch(app.settings(MailboxFormat.RAW), missing);
        await("the error dialog shows", this::errorDialogShown);
        assertTrue(fx(() -> errorDialog().getContentText()).startsWith(missing.toString()));

        clickOn("Quit");
        assertEquals(1, app.exit.get(10, TimeUnit.SECONDS));
        assertTrue(app.errText().contains(missing.toString()), app.errText());
        assertNull(app.launcher.window());
        assertEquals(0, chooserCalls.get());
    }

    @Test
    void portInUseNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Settings settings = app.settings(MailboxFormat.RAW).withPort(taken.getLocalPort());
            launch(settings, app.usersFile("users.txt", "alice@example.com"));
            await("the error dialog shows", this::errorDialogShown);
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is already in use",
                    fx(() -> errorDialog().getContentText()));
            assertEquals("The server cannot listen", fx(() -> errorDialog().getHeaderText()));
            clickOn("Choose another file\u2026");
            // The chooser has nothing more to offer: cancelling it ends the program cleanly.
            assertEquals(0, app.exit.get(10, TimeUnit.SECONDS));
        }
    }
}
