package org.smtpmonitor.ui;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.app.StartupException;

/**
 * Gets from the command line to a running window: asks for a users file when none was
 * given, starts the monitor off the FX thread, and on failure shows the reason with a way
 * to choose another file or quit. {@link #launch} answers the exit status: 0 when the
 * user cancelled the chooser or closed the window, 1 after "Quit" on an error, 3 when the
 * server failed while running (the window then says so and closes).
 * The file choosers come in through the constructor so tests can answer them.
 */
public final class Launcher {

    private final Settings settings;
    private final Function<Window, Path> usersFileChooser;
    private final Function<Window, Path> saveChooser;
    private final BiFunction<Window, String, Path> exportChooser;
    private final WindowDesktop desktop;
    private final AttachmentDialogs attachmentDialogs;
    private final Stage stage;
    private final PrintStream err;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile MainWindow window;
    private volatile boolean serverFailed;

    /** With the real dialog to ask where to export mail. */
    public Launcher(Settings settings, Function<Window, Path> usersFileChooser, Function<Window, Path> saveChooser,
                    Stage stage, PrintStream err) {
        this(settings, usersFileChooser, saveChooser, MailActions::chooseExportFile, stage, err);
    }

    /**
     * @param exportChooser asks where to export a message or mailbox, given the owner window and
     *                      a suggested file name ({@code .eml} or {@code .mbox}); null to cancel
     */
    public Launcher(Settings settings, Function<Window, Path> usersFileChooser, Function<Window, Path> saveChooser,
                    BiFunction<Window, String, Path> exportChooser, Stage stage, PrintStream err) {
        this(settings, usersFileChooser, saveChooser, exportChooser, WindowDesktop.forgetful(), stage, err);
    }

    /**
     * @param desktop where the window remembers its look and place, and the screens it may open on
     */
    public Launcher(Settings settings, Function<Window, Path> usersFileChooser, Function<Window, Path> saveChooser,
                    BiFunction<Window, String, Path> exportChooser, WindowDesktop desktop, Stage stage,
                    PrintStream err) {
        this(settings, usersFileChooser, saveChooser, exportChooser, desktop, AttachmentDialogs.desktop(), stage, err);
    }

    /** @param attachmentDialogs where to save attachments, and how to open one with the desktop's application */
    Launcher(Settings settings, Function<Window, Path> usersFileChooser, Function<Window, Path> saveChooser,
             BiFunction<Window, String, Path> exportChooser, WindowDesktop desktop, AttachmentDialogs attachmentDialogs,
             Stage stage, PrintStream err) {
        this.settings = settings;
        this.usersFileChooser = usersFileChooser;
        this.saveChooser = saveChooser;
        this.exportChooser = exportChooser;
        this.desktop = desktop;
        this.attachmentDialogs = attachmentDialogs;
        this.stage = stage;
        this.err = err;
    }

    /** Starts on the FX thread; the future completes with the exit status. */
    public CompletableFuture<Integer> launch(Path usersFile) {
        desktop.load();
        if (usersFile == null) {
            askForUsersFile();
        } else {
            start(usersFile);
        }
        return exit;
    }

    private void askForUsersFile() {
        Path chosen = usersFileChooser.apply(stage.isShowing() ? stage : null);
        if (chosen == null) {
            err.println("smtp-monitor: no users file chosen, so there is nothing to serve; exiting");
            err.flush();
            exit.complete(0);
            return;
        }
        start(chosen);
    }

    private void start(Path usersFile) {
        await(MonitorStart.begin(usersFile, settings));
    }

    /**
     * Starts on the FX thread with a monitor whose start began earlier, perhaps before the
     * toolkit was up (see {@link MonitorStart}); the future completes with the exit status.
     */
    CompletableFuture<Integer> launch(MonitorStart starting) {
        await(starting);
        return exit;
    }

    private void await(MonitorStart starting) {
        starting.onFatalError((message, cause) -> Platform.runLater(() -> serverFailed(message)));
        // The preferences are read while the monitor starts; both are needed before the window is built.
        CompletableFuture<WindowState> look = desktop.load();
        starting.started.whenComplete((started, failure) -> look.thenAccept(state -> Platform.runLater(() -> {
            // Before any control exists: the theme is the first stylesheet loaded, and the only one.
            state.theme().apply();
            if (failure == null) {
                opened(started, starting.inbox, starting.subscription, state);
            } else {
                // MonitorStart fails only so.
                failed((StartupException) failure);
            }
        })));
    }

    private void opened(MonitorStart.Started started, EventInbox inbox, AutoCloseable subscription, WindowState state) {
        if (started.apiProblem() != null) {
            // The window shows it too; said here for whoever reads the terminal or a log.
            err.println("smtp-monitor: the HTTP API is not running: " + started.apiProblem());
            err.flush();
        }
        MainWindow main = new MainWindow(stage, started.monitor(), started.mail(), started.mailboxes(),
                started.mailProblem(), inbox, subscription, saveChooser, exportChooser, desktop, attachmentDialogs, state,
                started.api(), started.apiProblem());
        window = main;
        main.closed().thenRun(() -> exit.complete(serverFailed ? 3 : 0));
        main.show();
    }

    private void failed(StartupException error) {
        StartupErrorDialog.show(error, chooseAnother -> {
            if (chooseAnother) {
                askForUsersFile();
            } else {
                err.println("smtp-monitor: " + error.getMessage());
                err.flush();
                exit.complete(1);
            }
        });
    }

    /** The server stopped because a thread of it died: say so, then close the window and exit. */
    private void serverFailed(String message) {
        serverFailed = true;
        err.println("smtp-monitor: the server failed and has stopped: " + message);
        err.flush();
        Alert alert = new Alert(Alert.AlertType.ERROR, message, ButtonType.CLOSE);
        alert.setTitle("smtp-monitor failed");
        alert.setHeaderText("The server failed and has stopped; smtp-monitor will close");
        alert.getDialogPane().setId("server-failed");
        alert.setOnHidden(e -> {
            MainWindow main = window;
            if (main != null) {
                main.close();
            } else {
                exit.complete(3);
            }
        });
        alert.show();
    }

    /** The main window once it is open (null before). */
    MainWindow window() {
        return window;
    }

    /** The chooser of the real application: text files, starting in the working directory. */
    public static Path chooseUsersFile(Window owner) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("smtp-monitor: choose a users file");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Text files", "*.txt"),
                new FileChooser.ExtensionFilter("All files", "*"));
        chooser.setInitialDirectory(Path.of("").toAbsolutePath().toFile());
        File file = chooser.showOpenDialog(owner);
        return file == null ? null : file.toPath();
    }

    /** Where to save a transcript, asked of the real user. */
    public static Path chooseTranscriptFile(Window owner) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save transcript");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Text files", "*.txt"));
        chooser.setInitialFileName("transcript.txt");
        chooser.setInitialDirectory(Path.of("").toAbsolutePath().toFile());
        File file = chooser.showSaveDialog(owner);
        return file == null ? null : file.toPath();
    }
}
