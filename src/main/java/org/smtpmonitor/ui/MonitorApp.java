package org.smtpmonitor.ui;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import javafx.application.Platform;
import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;

/**
 * Runs the window from the command line ({@code cli.Main} calls {@link #run}): starts the
 * JavaFX toolkit, hands over to a {@link Launcher} and returns its exit status once the
 * window is closed, the user cancelled, or quit after an error.
 */
public final class MonitorApp {

    private MonitorApp() {
    }

    public static int run(Path usersFile, Settings settings) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        try {
            Platform.startup(() -> { });
        } catch (UnsupportedOperationException e) {
            System.err.println("smtp-monitor: cannot open a window (" + e.getMessage()
                    + "); use --headless to run without one");
            return 1;
        }
        Platform.setImplicitExit(false);
        Platform.runLater(() -> {
            try {
                new Launcher(settings, Launcher::chooseUsersFile, Launcher::chooseTranscriptFile,
                        MailActions::chooseExportFile, new Stage(),
                        System.err).launch(usersFile).whenComplete((code, failure) ->
                        exit.complete(failure != null ? 1 : code));
            } catch (RuntimeException e) {
                System.err.println("smtp-monitor: the window failed: " + e);
                exit.complete(1);
            }
        });
        int code = exit.join();
        Platform.exit();
        return code;
    }
}
