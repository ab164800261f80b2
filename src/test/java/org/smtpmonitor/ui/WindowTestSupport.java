package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.prefs.Preferences;

import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.stage.Stage;
import javafx.stage.Window;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.TestMonitor;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Starts the real window on a temporary users file and an ephemeral port, and reads it from tests. */
final class WindowTestSupport {

    final Path directory;
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    /** The suggested file names the export dialog was asked with. */
    final List<String> exportsAsked = new CopyOnWriteArrayList<>();
    /** What the export dialog answers for a suggested file name: null to cancel. */
    volatile Function<String, Path> exportAnswer = name -> null;
    private final String preferencesPath = "org/smtpmonitor/test/" + UUID.randomUUID();
    /**
     * Where the windows of this test remember their look and place: a node of its own (never
     * the user's), removed by {@link #close()}, after which the next window starts afresh. The
     * surefire configuration also moves the whole user preferences store under target/.
     */
    volatile Preferences preferences = Preferences.userRoot().node(preferencesPath);
    /** The visual bounds of the screens the next window opens on (primary first), or null for the real ones. */
    volatile List<Rectangle2D> screens;
    /** The suggested file names the attachment dialog was asked with. */
    final List<String> attachmentsAsked = new CopyOnWriteArrayList<>();
    /** What the attachment dialog answers for a suggested file name: null to cancel. */
    volatile Function<String, Path> attachmentAnswer = name -> null;
    /** What the "save all" dialog answers: null to cancel. */
    volatile Path folderAnswer;
    /** The files handed to the desktop to open. */
    final List<Path> opened = new CopyOnWriteArrayList<>();
    /** The links of messages handed to the browser. */
    final List<String> browsed = new CopyOnWriteArrayList<>();
    Launcher launcher;
    Stage stage;
    CompletableFuture<Integer> exit;

    WindowTestSupport(Path directory) throws Exception {
        this.directory = directory;
        FxToolkit.registerPrimaryStage();
    }

    Path usersFile(String name, String... lines) throws Exception {
        Path file = directory.resolve(name);
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    Settings settings(MailboxFormat format) {
        return TestMonitor.settings(directory.resolve("mail"), format);
    }

    /** Launches on the FX thread, as MonitorApp does, with the given choosers. */
    void launch(Settings settings, Path usersFile, Function<Window, Path> chooser, Function<Window, Path> saveChooser)
            throws Exception {
        launch(settings, chooser, saveChooser, launcher -> launcher.launch(usersFile));
    }

    /** Launches on the FX thread with a monitor whose start began before, as MonitorApp does when given a file. */
    void launch(Settings settings, MonitorStart starting) throws Exception {
        launch(settings, owner -> fail("no chooser expected"), owner -> null, launcher -> launcher.launch(starting));
    }

    private void launch(Settings settings, Function<Window, Path> chooser, Function<Window, Path> saveChooser,
                        Function<Launcher, CompletableFuture<Integer>> how) throws Exception {
        fx(() -> {
            stage = new Stage();
            List<Rectangle2D> simulated = screens;
            Preferences node = Preferences.userRoot().node(preferencesPath);
            preferences = node;
            WindowDesktop desktop = new WindowDesktop(() -> node, () -> Theme.LIGHT,
                    simulated != null ? () -> simulated : WindowDesktop::realScreens);
            AttachmentDialogs attachments = new AttachmentDialogs((owner, name) -> {
                attachmentsAsked.add(name);
                return attachmentAnswer.apply(name);
            }, owner -> folderAnswer, opened::add, browsed::add);
            launcher = new Launcher(settings, chooser, saveChooser, (owner, name) -> {
                exportsAsked.add(name);
                return exportAnswer.apply(name);
            }, desktop, attachments, stage, err);
            exit = how.apply(launcher);
            return null;
        });
    }

    /** Launches and waits for the main window to be up. */
    MainWindow open(Settings settings, Path usersFile) throws Exception {
        launch(settings, usersFile, owner -> fail("no chooser expected"), owner -> null);
        await("the main window opens", () -> launcher.window() != null && launcher.window().stage().isShowing());
        return launcher.window();
    }

    InetSocketAddress serverAddress() {
        return TestMonitor.address(launcher.window().monitor());
    }

    void close() throws Exception {
        if (launcher != null && launcher.window() != null) {
            fx(() -> {
                launcher.window().close();
                return null;
            });
            launcher.window().closed().get(20, TimeUnit.SECONDS);
        }
        if (Preferences.userRoot().nodeExists(preferencesPath)) {
            Preferences node = Preferences.userRoot().node(preferencesPath);
            Preferences parent = node.parent();
            node.removeNode();
            parent.flush();
        }
    }

    String errText() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    static <T> T fx(Callable<T> callable) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return callable.call();
        }
        return WaitForAsyncUtils.asyncFx(callable).get(20, TimeUnit.SECONDS);
    }

    /** Waits (up to 15 s) until the condition, checked on the FX thread, holds. */
    static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(what, Duration.ofSeconds(15), () -> fx(condition::getAsBoolean));
    }

    /** As {@link #await(String, BooleanSupplier)}; a timeout also tells what {@code shown} reads then (on the FX thread). */
    static void await(String what, BooleanSupplier condition, Callable<?> shown) throws Exception {
        Await.until(what, Duration.ofSeconds(15), () -> fx(condition::getAsBoolean), () -> {
            try {
                return "shown: " + fx(shown);
            } catch (Exception e) {
                return "shown: (" + e + ")";
            }
        });
    }
}
