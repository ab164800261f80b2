package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;

import javafx.animation.AnimationTimer;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXMLLoader;
import javafx.geometry.Rectangle2D;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import javafx.stage.Window;

import org.smtpmonitor.api.ApiServer;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.MailboxDirectory.MailboxInfo;
import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.MailboxAdded;
import org.smtpmonitor.event.SessionEvent;

/**
 * The main window of a running monitor. Events from the server and the mailboxes the
 * message index changed wait in an {@link EventInbox}; an {@link AnimationTimer} drains it
 * (events at most ten times a second, four under a flood) and applies the whole batch to the
 * view models. The stored mail is read only through the facade ({@link MailboxDirectory}),
 * on the window's executors, never on the FX thread. Closing the window stops the server
 * and the HTTP API.
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
    /** The HTTP API beside the window ({@code --http-port}), or null; stopping the SMTP server leaves it up. */
    private final ApiServer api;
    private final String apiProblem;
    /** File and index work, one task after another: listing, counting, reading a message, saving a transcript. */
    private final ExecutorService background = Executors.newSingleThreadExecutor(new DaemonThreads("ui-background"));
    /**
     * Stopping or starting the server, opening a folder, deleting, clearing and exporting:
     * apart from {@link #background}, so that a stop, which may wait seconds for deliveries,
     * or a delete, which rewrites a mailbox file, never holds up the list and the message shown.
     */
    private final ExecutorService actions = Executors.newCachedThreadPool(new DaemonThreads("ui-action"));
    private final MonitorViewModel model = new MonitorViewModel();
    private final MessageListViewModel messages;
    private final MessageViewModel inspector;
    private final MailboxCounts counts;
    private final MainController controller;
    private final WindowActions windowActions;
    private final MailController mailController;
    private final DragFiles drag;
    private final MessageViewController messageController;
    /** Asks where to save rules that have no file yet (the attachments' save dialog). */
    private final BiFunction<Window, String, Path> rulesSaveAs;
    private RulesWindow rulesWindow;
    private final PulseStatistics pulses = new PulseStatistics();
    private final WindowDesktop desktop;
    private final WindowState remembered;
    private WindowLayout layout;
    private ThemeSwitch themeSwitch;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AnimationTimer timer;
    private long lastTick;
    private long lastApply = Long.MIN_VALUE / 2;
    private int lastApplied;
    /** The last apply took {@link EventInbox#MAX_PER_APPLY} events and left more. */
    private boolean backlog;
    private boolean closing;

    /**
     * @param mail        the stored mail, or null when the message index could not be opened
     * @param mailboxes   the mailboxes as the index counted them when the monitor started
     * @param mailProblem why {@code mail} is null
     * @param desktop     where the window's look and place are remembered, and the screens
     * @param remembered  the look and place remembered from the last run (its theme already applied)
     * @param api         the running HTTP API, or null; closed with the window
     * @param apiProblem  why the HTTP API asked for could not start, or null
     */
    MainWindow(Stage stage, Monitor monitor, MailboxDirectory mail, List<MailboxInfo> mailboxes, String mailProblem,
               EventInbox inbox, AutoCloseable subscription, Function<Window, Path> saveChooser,
               BiFunction<Window, String, Path> exportChooser, WindowDesktop desktop,
               AttachmentDialogs attachmentDialogs, WindowState remembered, ApiServer api, String apiProblem) {
        this.stage = stage;
        this.api = api;
        this.apiProblem = apiProblem;
        this.desktop = desktop;
        this.remembered = remembered;
        this.monitor = monitor;
        this.inbox = inbox;
        this.subscription = subscription;
        model.applyMailboxes(mailboxes);
        this.messages = new MessageListViewModel(mail, mailProblem, background);
        this.windowActions = new WindowActions(monitor, background, actions, saveChooser);
        this.inspector = new MessageViewModel(mail, background, actions, windowActions.messageProperty()::set);
        this.messageController = new MessageViewController(inspector,
                () -> new HtmlView(background, attachmentDialogs.browse(),
                        monitor.mailboxDirectory().resolve(".smtp-monitor").resolve("webview")),
                this::showSession, attachmentDialogs);
        this.counts = new MailboxCounts(mail, background, model, windowActions.messageProperty()::set);
        MailActions mailActions = new MailActions(mail, actions, exportChooser, windowActions.messageProperty()::set,
                () -> desktop.node("release"));
        UnreadMarks unread = new UnreadMarks(mail, background, counts::changed, windowActions.messageProperty()::set);
        this.drag = new DragFiles(mail, actions, windowActions.messageProperty()::set);
        this.controller = new MainController(model, windowActions, delivery -> mailController().showDelivery(delivery),
                this::showRules);
        this.rulesSaveAs = attachmentDialogs.saveFile();
        this.mailController = new MailController(model, messages, inspector, mailActions, this::refreshMail, unread, drag,
                windowActions.messageProperty()::set);
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
        // mail.fxml and message.fxml, included, name their controllers: these.
        loader.setControllerFactory(type -> {
            if (type == MailController.class) {
                return mailController;
            }
            if (type == MessageViewController.class) {
                return messageController;
            }
            throw new IllegalArgumentException("no controller of type " + type);
        });
        Parent root;
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the window layout", e);
        }
        Rectangle2D bounds = WindowPlacement.place(remembered.bounds(), desktop.screens());
        // At the window's size from the start: laid out first at another, the split panes would not
        // keep their remembered proportions exactly.
        Scene scene = new Scene(root, bounds.getWidth(), bounds.getHeight());
        scene.getStylesheets().add(MainWindow.class.getResource("/fxml/monitor.css").toExternalForm());
        themeSwitch = new ThemeSwitch(controller.themeToggle, remembered, actions, desktop::saveTheme);
        TlsStatus.install(controller.tlsLabel, model.tlsProperty(), monitor.tlsCertificateSummary(),
                windowActions.messageProperty()::set);
        ApiStatus.install(controller, apiUrl(),
                api == null ? null : monitor.settings().http().token(), apiProblem, this::mailboxOnView,
                windowActions.messageProperty()::set);
        installShortcuts(scene);
        String usersFile = String.valueOf(monitor.usersFile().getFileName());
        controller.usersFileLabel.setText("Users: " + monitor.usersFile() + "  \u00b7  mailboxes: "
                + monitor.mailboxDirectory() + " (" + monitor.format() + ")");
        // Cut short when the tool bar is full (the HTTP API's entry is there too): the whole of it on hover.
        controller.usersFileLabel.setTooltip(new javafx.scene.control.Tooltip(controller.usersFileLabel.getText()));
        stage.titleProperty().bind(Bindings.createStringBinding(() -> "smtp-monitor \u2014 "
                + (model.listeningProperty().get() == null ? "stopped"
                : EventText.address(model.listeningProperty().get())) + " \u2014 " + usersFile,
                model.listeningProperty()));
        stage.setScene(scene);
        layout = WindowLayout.restore(stage, root, remembered, bounds);
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
        keys.put(KeyCombination.keyCombination("Shortcut+3"), () -> controller.focus(mailController.mailboxesTable));
        keys.put(KeyCombination.keyCombination("Shortcut+4"), () -> controller.focus(mailController.messagesTable));
        keys.put(KeyCombination.keyCombination("Shortcut+Shift+F"), mailController::focusSearch);
        keys.put(KeyCombination.keyCombination("Shortcut+Shift+Delete"), mailController::clearMailbox);
        keys.put(KeyCombination.keyCombination("Shortcut+Shift+R"), mailController::releaseMessage);
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
        keys.put(KeyCombination.keyCombination("Shortcut+R"), this::showRules);
        keys.put(KeyCombination.keyCombination("F5"), this::refreshMail);
        keys.put(KeyCombination.keyCombination("Shortcut+Q"), this::close);
        keys.put(KeyCombination.keyCombination("Shortcut+Shift+D"), themeSwitch::switchTheme);
    }

    /** Shows the scripted failure rules' window, made on first use. */
    void showRules() {
        if (rulesWindow == null) {
            rulesWindow = new RulesWindow(monitor.rules(), stage, background, rulesSaveAs,
                    windowActions.messageProperty()::set);
        }
        rulesWindow.show();
    }

    /** The rules' window, once shown; for tests. */
    RulesWindow rulesWindow() {
        return rulesWindow;
    }

    /** Lists and counts the stored mail again at the next pulse. */
    private void refreshMail() {
        messages.reloadNow();
        counts.reloadNow();
    }

    /**
     * One pulse: apply what the server reported since the last time, unless
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
        // What the index changed, reported up to 20 times a second under a flood: each of
        // these asks for one query at most every 250 ms, whatever the number of changes.
        Set<String> changed = inbox.drainMailChanges();
        if (!changed.isEmpty()) {
            counts.changed();
            messages.changed(changed);
        }
        counts.pulse(now);
        messages.pulse(now);
        controller.afterPulse();
    }

    private void applyInbox(long now) {
        List<SessionEvent> events = inbox.drainEvents();
        backlog = events.size() == EventInbox.MAX_PER_APPLY;
        lastApplied = events.size();
        if (!events.isEmpty()) {
            model.apply(events);
            lastApply = now;
            // A mailbox made since start (a user added to the users file, a catch-all's new
            // address) may hold no mail yet, so no index change would bring it: count it in.
            if (events.stream().anyMatch(MailboxAdded.class::isInstance)) {
                counts.changed();
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
        WindowState state = layout == null ? null : layout.capture(themeSwitch.theme(), themeSwitch.chosen());
        stage.hide();
        // A thread of its own, not one of the executors: it shuts them down, and must not wait behind their work.
        Thread thread = new Thread(() -> {
            if (state != null) {
                desktop.save(state);
            }
            if (api != null) {
                api.close();
            }
            monitor.close();
            try {
                subscription.close();
            } catch (Exception ignored) {
                // Removing a listener cannot fail in a way that matters now.
            }
            background.shutdownNow();
            // Not interrupted: a stop under way finishes its wait for deliveries.
            actions.shutdown();
            closed.complete(null);
        }, "monitor-close");
        thread.start();
    }

    MailController mailController() {
        return mailController;
    }

    /** The address of the mailbox selected, else of the first one; null when there is none. */
    private String mailboxOnView() {
        MailboxRow selected = model.selectedMailboxProperty().get();
        if (selected != null) {
            return selected.address();
        }
        return model.mailboxes().isEmpty() ? null : model.mailboxes().get(0).address();
    }

    /** Where a client on this machine reaches the API (loopback for one on every address); null when it is off. */
    private String apiUrl() {
        return api == null ? null : api.url();
    }

    /** The HTTP API beside the window, or null when it is off or could not start. */
    ApiServer api() {
        return api;
    }

    MessageListViewModel messageList() {
        return messages;
    }

    DragFiles dragFiles() {
        return drag;
    }

    /** Selects the session of this id, or says it is no longer held: for the message view's "Show session". */
    void showSession(long sessionId) {
        controller.showSession(sessionId);
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

    /** The message inspector: the lead's wiring shows a message from elsewhere through it. */
    MessageViewController messageView() {
        return messageController;
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
