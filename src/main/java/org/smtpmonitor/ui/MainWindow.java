package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import javafx.animation.AnimationTimer;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import javafx.stage.Window;

import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionEvent;

/**
 * The main window of a running monitor. Events from the server wait in an
 * {@link EventInbox}; an {@link AnimationTimer} drains it (at most ten times a second, four
 * under a flood) and applies the whole batch to the view models. Closing the window stops
 * the server.
 */
final class MainWindow {

    /** Durations of open sessions move on this often. */
    private static final long TICK_NANOS = 250_000_000L;
    /** Server events are applied at most this often, but for a backlog (see {@link #pulse}). */
    static final long APPLY_NANOS = 100_000_000L;
    /** ... and at most this often while mail floods in: after an apply of over {@link #FLOOD_EVENTS}. */
    static final long FLOOD_APPLY_NANOS = 250_000_000L;
    static final int FLOOD_EVENTS = 2_000;

    private final Stage stage;
    private final Monitor monitor;
    private final EventInbox inbox;
    private final AutoCloseable subscription;
    /** File work, one task after another: reading a mailbox for the preview, saving a transcript. */
    private final ExecutorService background = Executors.newSingleThreadExecutor(new DaemonThreads("ui-background"));
    /**
     * Stopping or starting the server and opening a folder: apart from {@link #background},
     * so that a stop, which may wait seconds for deliveries, never holds up the preview.
     */
    private final ExecutorService actions = Executors.newCachedThreadPool(new DaemonThreads("ui-action"));
    private final MonitorViewModel model = new MonitorViewModel();
    private final PreviewViewModel preview;
    private final MainController controller;
    private final PulseStatistics pulses = new PulseStatistics();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AnimationTimer timer;
    private long lastTick;
    private long lastApply = Long.MIN_VALUE / 2;
    private int lastApplied;
    /** The last apply took {@link EventInbox#MAX_PER_APPLY} events and left more. */
    private boolean backlog;
    private boolean closing;

    MainWindow(Stage stage, Monitor monitor, EventInbox inbox, AutoCloseable subscription,
               Function<Window, Path> saveChooser) {
        this.stage = stage;
        this.monitor = monitor;
        this.inbox = inbox;
        this.subscription = subscription;
        this.preview = new PreviewViewModel(inbox.indexer()::rows, background);
        List<Path> files = monitor.store().users().stream()
                .map(user -> monitor.store().mailboxFile(user.address())).toList();
        monitor.store().users().forEach(user -> model.addMailbox(user.address(),
                monitor.store().mailboxFile(user.address())));
        inbox.indexer().watch(files);
        WindowActions windowActions = new WindowActions(monitor, background, actions, saveChooser);
        this.controller = new MainController(model, preview, windowActions);
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                pulse(now);
            }
        };
    }

    /** Builds the scene from main.fxml and shows the window. */
    void show() {
        FXMLLoader loader = new FXMLLoader(MainWindow.class.getResource("/fxml/main.fxml"));
        loader.setController(controller);
        Parent root;
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the window layout", e);
        }
        Scene scene = new Scene(root, 1280, 800);
        scene.getStylesheets().add(MainWindow.class.getResource("/fxml/monitor.css").toExternalForm());
        installShortcuts(scene);
        String usersFile = String.valueOf(monitor.usersFile().getFileName());
        controller.usersFileLabel.setText("Users: " + monitor.usersFile() + "  \u00b7  mailboxes: "
                + monitor.store().directory() + " (" + monitor.store().format().name().toLowerCase(Locale.ROOT) + ")");
        stage.titleProperty().bind(Bindings.createStringBinding(() -> "smtp-monitor \u2014 "
                + (model.listeningProperty().get() == null ? "stopped"
                : EventText.address(model.listeningProperty().get())) + " \u2014 " + usersFile,
                model.listeningProperty()));
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> {
            e.consume();
            close();
        });
        pulse(System.nanoTime());
        timer.start();
        PulseLog.startIfAsked(pulses);
        stage.show();
        // The sessions table first: it is empty, so nothing is selected (and no mailbox counts as viewed).
        controller.sessionsTable.requestFocus();
    }

    private void installShortcuts(Scene scene) {
        var keys = scene.getAccelerators();
        keys.put(KeyCombination.keyCombination("Shortcut+1"), () -> controller.focus(controller.sessionsTable));
        keys.put(KeyCombination.keyCombination("Shortcut+2"), controller.transcriptList::requestFocus);
        keys.put(KeyCombination.keyCombination("Shortcut+3"), () -> controller.focus(controller.mailboxesTable));
        keys.put(KeyCombination.keyCombination("Shortcut+4"), () -> controller.focus(controller.messagesTable));
        keys.put(KeyCombination.keyCombination("Shortcut+F"), () -> {
            controller.filterField.requestFocus();
            controller.filterField.selectAll();
        });
        keys.put(KeyCombination.keyCombination("Shortcut+E"), () -> controller.followToggle.fire());
        keys.put(KeyCombination.keyCombination("Shortcut+C"), () -> {
            if (controller.transcriptList.isFocused()) {
                controller.copySelectedLines();
            } else if (scene.getFocusOwner() instanceof javafx.scene.control.TextInputControl text) {
                text.copy();
            }
        });
        keys.put(KeyCombination.keyCombination("Shortcut+S"), controller::saveTranscript);
        keys.put(KeyCombination.keyCombination("Shortcut+O"), controller::openMailboxFolder);
        keys.put(KeyCombination.keyCombination("Shortcut+P"), controller::toggleServer);
        keys.put(KeyCombination.keyCombination("F5"), () -> preview.mailboxChanged(model.selectedMailboxProperty().get()));
        keys.put(KeyCombination.keyCombination("Shortcut+Q"), this::close);
    }

    /**
     * One pulse: apply what the server and the indexer reported since the last time, unless
     * that was less than {@link #APPLY_NANOS} ago ({@link #FLOOD_APPLY_NANOS} under a flood).
     * A lone event shows at the next pulse; a steady trickle ten times a second; a flood four
     * times a second rather than sixty: each change costs a layout, CSS and rendering pass,
     * and that processor time would be taken from the server the window is monitoring.
     */
    private void pulse(long now) {
        pulses.pulse(now);
        boolean flood = lastApplied > FLOOD_EVENTS;
        boolean apply = backlog || now - lastApply >= (flood ? FLOOD_APPLY_NANOS : APPLY_NANOS);
        if (apply) {
            applyInbox(now);
        }
        // Under a flood the durations move with the applies: a pass of their own in
        // between would double the rendering.
        if (now - lastTick >= TICK_NANOS && (apply || !flood)) {
            lastTick = now;
            model.tick(Instant.now());
        }
        preview.pulse(now);
        controller.afterPulse();
    }

    private void applyInbox(long now) {
        List<SessionEvent> events = inbox.drainEvents();
        backlog = events.size() == EventInbox.MAX_PER_APPLY;
        lastApplied = events.size();
        if (!events.isEmpty()) {
            model.apply(events);
            lastApply = now;
        }
        List<MailboxIndex.MailboxState> states = inbox.drainMailboxStates();
        if (!states.isEmpty()) {
            model.applyMailboxStates(states);
            for (MailboxIndex.MailboxState state : states) {
                model.mailboxes().stream().filter(row -> row.file().equals(state.file()))
                        .forEach(preview::mailboxChanged);
            }
        }
    }

    /** Stops the server and everything else off the FX thread, then completes {@link #closed()}. */
    void close() {
        if (closing) {
            return;
        }
        closing = true;
        timer.stop();
        stage.hide();
        // A thread of its own, not one of the executors: it shuts them down, and must not wait behind their work.
        Thread thread = new Thread(() -> {
            monitor.close();
            try {
                subscription.close();
            } catch (Exception ignored) {
                // Removing a listener cannot fail in a way that matters now.
            }
            inbox.indexer().close();
            background.shutdownNow();
            // Not interrupted: a stop under way finishes its wait for deliveries.
            actions.shutdown();
            closed.complete(null);
        }, "monitor-close");
        thread.start();
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    Monitor monitor() {
        return monitor;
    }

    MonitorViewModel model() {
        return model;
    }

    PulseStatistics pulses() {
        return pulses;
    }

    EventInbox inbox() {
        return inbox;
    }

    Stage stage() {
        return stage;
    }
}
