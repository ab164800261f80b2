package org.smtpmonitor.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import javafx.application.Application;
import javafx.application.HostServices;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Where the message inspector asks to save attachments, how it opens one with the desktop's
 * application, and how it opens a link of a message's HTML in the user's browser. They come
 * in through {@link Launcher}, so tests answer them without a dialog and open nothing.
 *
 * @param saveFile   asks where to save one attachment, given the owner window and a safe
 *                   suggested name; null to cancel
 * @param saveFolder asks for the folder to save every attachment in; null to cancel
 * @param open       opens a file (a copy in the mailbox directory) with the desktop's application for its type
 * @param browse     opens an http, https or mailto link outside the window
 */
record AttachmentDialogs(BiFunction<Window, String, Path> saveFile, Function<Window, Path> saveFolder,
                         Consumer<Path> open, Consumer<String> browse) {

    /** The real dialogs, and the desktop's application through JavaFX's {@link HostServices}. */
    static AttachmentDialogs desktop() {
        return new AttachmentDialogs(AttachmentDialogs::chooseFile, AttachmentDialogs::chooseFolder,
                file -> DesktopHost.SERVICES.showDocument(file.toUri().toString()),
                url -> DesktopHost.SERVICES.showDocument(url));
    }

    private static Path chooseFile(Window owner, String suggestedName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save attachment");
        chooser.setInitialFileName(suggestedName);
        chooser.setInitialDirectory(Path.of("").toAbsolutePath().toFile());
        File file = chooser.showSaveDialog(owner);
        return file == null ? null : file.toPath();
    }

    private static Path chooseFolder(Window owner) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Save all attachments in");
        chooser.setInitialDirectory(Path.of("").toAbsolutePath().toFile());
        File folder = chooser.showDialog(owner);
        return folder == null ? null : folder.toPath();
    }

    /**
     * HostServices belong to an {@link Application}; the window is started without one (see
     * MonitorApp), so an empty one stands in. Made at the first open only.
     */
    private static final class DesktopHost {
        static final HostServices SERVICES = new Application() {
            @Override
            public void start(Stage stage) {
                // Never launched: only its host services are used.
            }
        }.getHostServices();
    }
}
