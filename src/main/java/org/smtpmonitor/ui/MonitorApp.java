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
        // The monitor starts while the toolkit does: on two cores, the window shows its counts half a second sooner.
        MonitorStart starting = usersFile == null ? null : MonitorStart.begin(usersFile, settings);
        // So do the window's remembered look and place.
        WindowDesktop desktop = WindowDesktop.user();
        desktop.load();
        try {
            Platform.startup(() -> { });
        } catch (UnsupportedOperationException e) {
            if (starting != null) {
                starting.abandon();
            }
            System.err.println("smtp-monitor: cannot open a window (" + e.getMessage()
                    + "); use --headless to run without one");
            return 1;
        }
        Platform.setImplicitExit(false);
        Platform.runLater(() -> {
            try {
                Launcher launcher = new Launcher(settings, Launcher::chooseUsersFile, Launcher::chooseTranscriptFile,
                        MailActions::chooseExportFile, desktop, new Stage(), System.err);
                (starting != null ? launcher.launch(starting) : launcher.launch(usersFile))
                        .whenComplete((code, failure) -> exit.complete(failure != null ? 1 : code));
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
