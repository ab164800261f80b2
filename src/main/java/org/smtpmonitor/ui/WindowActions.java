package org.smtpmonitor.ui;

import java.awt.Desktop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.Window;

import org.smtpmonitor.app.Monitor;

/**
 * What the window's buttons and shortcuts do. Anything that may take time (stopping the
 * server waits for deliveries; writing a file; asking the desktop to open a folder) runs
 * off the FX thread, and its outcome shows in the status bar's message.
 */
final class WindowActions {

    private final Monitor monitor;
    private final Executor background;
    private final Executor actions;
    private final Function<Window, Path> saveChooser;
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();

    /**
     * @param background runs file work (saving a transcript)
     * @param actions    runs the server's stop and start and the opening of a folder
     */
    WindowActions(Monitor monitor, Executor background, Executor actions, Function<Window, Path> saveChooser) {
        this.monitor = monitor;
        this.background = background;
        this.actions = actions;
        this.saveChooser = saveChooser;
    }

    /** Stops a running server (clients get 421) or starts a stopped one again. */
    void toggleServer() {
        if (busy.get()) {
            return;
        }
        busy.set(true);
        boolean stopping = monitor.isRunning();
        message.set(stopping ? "Stopping the server…" : "Starting the server…");
        actions.execute(() -> {
            String outcome;
            if (stopping) {
                monitor.stopServer();
                outcome = "Server stopped";
            } else {
                try {
                    monitor.startServer();
                    outcome = "Server started";
                } catch (IOException | RuntimeException e) {
                    outcome = "Cannot start the server: " + e.getMessage();
                }
            }
            String done = outcome;
            Platform.runLater(() -> {
                busy.set(false);
                message.set(done);
            });
        });
    }

    /** Opens the mailbox folder in the desktop's file manager, where there is one. */
    void openMailboxFolder() {
        Path folder = monitor.mailboxDirectory();
        actions.execute(() -> {
            String outcome = openFolder(folder);
            Platform.runLater(() -> message.set(outcome));
        });
    }

    private static String openFolder(Path folder) {
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.OPEN)) {
                Desktop.getDesktop().open(folder.toFile());
                return "Opened " + folder;
            }
        } catch (IOException | RuntimeException e) {
            return "Cannot open " + folder + ": " + e.getMessage();
        }
        return "Opening folders is not supported here; the mailboxes are in " + folder;
    }

    void copy(List<TranscriptLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        copyText(TranscriptViewModel.text(lines));
        message.set(lines.size() == 1 ? "Copied 1 line" : String.format("Copied %,d lines", lines.size()));
    }

    /** Puts {@code text} on the system clipboard (on the FX thread). */
    static void copyText(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }

    /** Asks where to save, then writes the session's kept lines there off the FX thread. */
    void save(SessionRow session, Window owner) {
        Path target = saveChooser.apply(owner);
        if (target == null) {
            return;
        }
        List<TranscriptLine> lines = List.copyOf(session.transcript().lines());
        long dropped = session.transcript().dropped();
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws IOException {
                String header = "# smtp-monitor session " + session.id() + " from " + session.client()
                        + (dropped > 0 ? String.format(" (%,d earlier lines were dropped)", dropped) : "")
                        + System.lineSeparator();
                Files.writeString(target, header + TranscriptViewModel.text(lines), StandardCharsets.UTF_8);
                return null;
            }
        };
        task.setOnSucceeded(e -> message.set(String.format("Saved %,d lines to %s", lines.size(), target)));
        task.setOnFailed(e -> message.set("Cannot save " + target + ": " + task.getException().getMessage()));
        background.execute(task);
    }

    /** The last outcome, shown at the right of the status bar. */
    StringProperty messageProperty() {
        return message;
    }

    /** True while the server is being stopped or started. */
    BooleanProperty busyProperty() {
        return busy;
    }
}
