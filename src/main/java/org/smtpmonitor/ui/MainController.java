package org.smtpmonitor.ui;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

import org.smtpmonitor.event.EventText;

/**
 * Wires the controls of {@code main.fxml} (sessions, transcript, status bar) to the view
 * models; the mail side is {@link MailController}'s. Holds no state of its own beyond the
 * "follow" scroll request; actions are handed to {@link WindowActions}, and the message of a
 * delivery line the user opens to whoever shows messages.
 */
final class MainController {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final PseudoClass OPEN = PseudoClass.getPseudoClass("open");
    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    private static final PseudoClass TLS = PseudoClass.getPseudoClass("tls");
    private static final PseudoClass WARNED = PseudoClass.getPseudoClass("warned");

    @FXML Button serverButton;
    @FXML Button openFolderButton;
    @FXML Button rulesButton;
    /** Wired by MainWindow's {@link ThemeSwitch}. */
    @FXML ToggleButton themeToggle;
    @FXML Label usersFileLabel;
    @FXML HBox usersFileBanner;
    @FXML Label usersFileProblemLabel;
    /** Wired by MainWindow's {@link ApiStatus}. */
    @FXML HBox apiBanner;
    @FXML Label apiProblemLabel;
    @FXML Label apiLabel;
    @FXML Button copyCurlButton;
    @FXML javafx.scene.control.Separator apiSeparator;
    @FXML TableView<SessionRow> sessionsTable;
    @FXML TableColumn<SessionRow, Long> sessionIdColumn;
    @FXML TableColumn<SessionRow, String> sessionClientColumn;
    @FXML TableColumn<SessionRow, String> sessionStartColumn;
    @FXML TableColumn<SessionRow, String> sessionStateColumn;
    @FXML TableColumn<SessionRow, Number> sessionMessagesColumn;
    @FXML TableColumn<SessionRow, String> sessionDurationColumn;
    @FXML TableColumn<SessionRow, String> sessionSenderColumn;
    @FXML TableColumn<SessionRow, String> sessionRecipientsColumn;
    @FXML TableColumn<SessionRow, String> sessionOutcomeColumn;
    @FXML TextField filterField;
    @FXML ToggleButton followToggle;
    @FXML Button copyButton;
    @FXML Button saveButton;
    @FXML Label droppedLabel;
    @FXML ListView<TranscriptLine> transcriptList;
    /** The mail side of the window: mail.fxml, included. */
    @FXML MailController mailController;
    @FXML Label listeningLabel;
    /** Wired by MainWindow's {@link TlsStatus}. */
    @FXML Label tlsLabel;
    @FXML Label openSessionsLabel;
    @FXML Label deliveredLabel;
    @FXML Label repliesInErrorLabel;
    @FXML Label ioErrorsLabel;
    @FXML javafx.scene.control.Separator rulesSeparator;
    @FXML Label rulesAppliedLabel;
    @FXML Label messageLabel;

    private final MonitorViewModel model;
    private final WindowActions actions;
    private final Consumer<TranscriptLine.Delivery> deliveryChosen;
    private final Runnable showRules;
    private boolean scrollWanted;

    /**
     * @param deliveryChosen shows the message of a delivery line the user opened (double-click, Enter)
     * @param showRules      shows the scripted failure rules' window
     */
    MainController(MonitorViewModel model, WindowActions actions, Consumer<TranscriptLine.Delivery> deliveryChosen,
                   Runnable showRules) {
        this.model = model;
        this.actions = actions;
        this.deliveryChosen = deliveryChosen;
        this.showRules = showRules;
    }

    @FXML
    void initialize() {
        selectFirstRowOnFocus(sessionsTable);
        bindSessions();
        bindTranscript();
        bindStatus();
    }

    private void bindSessions() {
        sessionsTable.setItems(model.sessions());
        sessionIdColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().id()));
        sessionIdColumn.setCellFactory(column -> new SessionNumberCell());
        sessionClientColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().client()));
        sessionStartColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(CLOCK.format(c.getValue().started())));
        sessionStateColumn.setCellValueFactory(c -> c.getValue().stateTextProperty());
        sessionMessagesColumn.setCellValueFactory(c -> c.getValue().messagesProperty());
        sessionDurationColumn.setCellValueFactory(c -> c.getValue().durationProperty());
        sessionSenderColumn.setCellValueFactory(c -> c.getValue().sendersProperty());
        sessionRecipientsColumn.setCellValueFactory(c -> c.getValue().recipientsProperty());
        sessionOutcomeColumn.setCellValueFactory(c -> c.getValue().outcomeProperty());
        sessionsTable.setRowFactory(table -> new FlagRow<>(List.of(
                new FlagRow.Flag<>(OPEN, row -> row.stateProperty().isEqualTo(SessionRow.State.OPEN)),
                new FlagRow.Flag<>(FAILED, SessionRow::failedProperty),
                new FlagRow.Flag<>(TLS, SessionRow::overTlsProperty),
                new FlagRow.Flag<>(WARNED, SessionRow::warnedProperty))));
        model.transcript().selectedSessionProperty().bind(sessionsTable.getSelectionModel().selectedItemProperty());
    }

    private void bindTranscript() {
        TranscriptViewModel transcript = model.transcript();
        transcriptList.itemsProperty().bind(transcript.visibleLinesProperty());
        transcriptList.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        transcriptList.setCellFactory(list -> new TranscriptCell());
        transcript.filterProperty().bind(filterField.textProperty());
        followToggle.selectedProperty().bindBidirectional(transcript.followProperty());
        droppedLabel.textProperty().bind(transcript.droppedTextProperty());
        droppedLabel.visibleProperty().bind(transcript.droppedTextProperty().isNotEmpty());
        droppedLabel.managedProperty().bind(droppedLabel.visibleProperty());
        ListChangeListener<TranscriptLine> grown = change -> scrollWanted = true;
        transcript.visibleLinesProperty().addListener((o, old, lines) -> {
            if (old != null) {
                old.removeListener(grown);
            }
            lines.addListener(grown);
            scrollWanted = true;
        });
        transcript.followProperty().addListener((o, old, on) -> scrollWanted = on);
        // Scrolling up, or reaching for the scroll bar, means the user wants to read: stop following.
        transcriptList.addEventFilter(ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() > 0) {
                transcript.followProperty().set(false);
            }
        });
        transcriptList.addEventFilter(MouseEvent.MOUSE_PRESSED, e -> {
            if (e.getTarget() instanceof javafx.scene.Node node && isInScrollBar(node)) {
                transcript.followProperty().set(false);
            }
        });
        transcriptList.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.UP || e.getCode() == KeyCode.PAGE_UP || e.getCode() == KeyCode.HOME) {
                transcript.followProperty().set(false);
            } else if (e.getCode() == KeyCode.END) {
                transcript.followProperty().set(true);
            }
        });
        // A delivery line opens its message: double-click, or Enter.
        transcriptList.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                openDelivery(lineAt(e));
            }
        });
        transcriptList.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER) {
                openDelivery(transcriptList.getFocusModel().getFocusedItem());
            }
        });
        copyButton.disableProperty().bind(Bindings.isEmpty(transcriptList.getSelectionModel().getSelectedItems()));
        saveButton.disableProperty().bind(transcript.selectedSessionProperty().isNull());
    }

    private static TranscriptLine lineAt(MouseEvent e) {
        for (javafx.scene.Node node = e.getPickResult().getIntersectedNode(); node != null; node = node.getParent()) {
            if (node instanceof TranscriptCell cell) {
                return cell.isEmpty() ? null : cell.getItem();
            }
        }
        return null;
    }

    private void openDelivery(TranscriptLine line) {
        if (line != null && line.delivery() != null) {
            deliveryChosen.accept(line.delivery());
        }
    }

    /**
     * Selects the session of this id and scrolls to it, if the window still holds it; else
     * says so in the status bar. What the message view's "Show session" calls.
     */
    void showSession(long sessionId) {
        Optional<SessionRow> row = model.session(sessionId);
        int index = row.map(sessionsTable.getItems()::indexOf).orElse(-1);
        if (index < 0) {
            actions.messageProperty().set(String.format(Locale.ROOT, "Session %d is no longer held: the window keeps"
                    + " the newest %,d sessions", sessionId, model.sessionLimit()));
            return;
        }
        sessionsTable.getSelectionModel().clearAndSelect(index);
        sessionsTable.scrollTo(index);
    }

    /** A table reached from the keyboard (Ctrl+1…4, Tab) starts on its first row, so arrows move from there. */
    static void selectFirstRowOnFocus(TableView<?> table) {
        table.focusedProperty().addListener((o, was, focused) -> {
            if (focused) {
                selectFirstRowIfNone(table);
            }
        });
    }

    private static void selectFirstRowIfNone(TableView<?> table) {
        if (table.getSelectionModel().isEmpty() && !table.getItems().isEmpty()) {
            table.getSelectionModel().select(0);
        }
    }

    /** Moves the keyboard focus to a table (already focused or not) on its selected, or first, row. */
    void focus(TableView<?> table) {
        table.requestFocus();
        selectFirstRowIfNone(table);
    }

    private static boolean isInScrollBar(javafx.scene.Node node) {
        for (javafx.scene.Node n = node; n != null; n = n.getParent()) {
            if (n instanceof javafx.scene.control.ScrollBar) {
                return true;
            }
        }
        return false;
    }

    /** Called once per pulse after the events were applied: keeps the newest line in view. */
    void afterPulse() {
        if (scrollWanted && model.transcript().followProperty().get()) {
            ObservableList<TranscriptLine> items = transcriptList.getItems();
            if (items != null && !items.isEmpty()) {
                transcriptList.scrollTo(items.size() - 1);
            }
        }
        scrollWanted = false;
    }

    private void bindStatus() {
        listeningLabel.textProperty().bind(Bindings.createStringBinding(() -> model.listeningProperty().get() == null
                ? "Server stopped" : "Listening on " + EventText.address(model.listeningProperty().get()),
                model.listeningProperty()));
        serverButton.textProperty().bind(Bindings.when(model.listeningProperty().isNull())
                .then("Start server").otherwise("Stop server"));
        openSessionsLabel.textProperty().bind(Bindings.format("Open sessions: %d", model.openSessionsProperty()));
        deliveredLabel.textProperty().bind(Bindings.format("Delivered: %,d", model.deliveredProperty()));
        repliesInErrorLabel.textProperty().bind(Bindings.format("Replies in error: %,d",
                model.repliesInErrorProperty()));
        model.repliesInErrorProperty().addListener((o, old, n) -> markErrors(repliesInErrorLabel));
        ioErrorsLabel.textProperty().bind(Bindings.format("I/O errors: %,d", model.ioErrorsProperty()));
        model.ioErrorsProperty().addListener((o, old, n) -> {
            markErrors(ioErrorsLabel);
            ioErrorsLabel.setTooltip(new Tooltip(model.lastErrorProperty().get()));
        });
        rulesAppliedLabel.textProperty().bind(Bindings.format("Rules applied: %,d", model.rulesAppliedProperty()));
        rulesAppliedLabel.visibleProperty().bind(model.rulesAppliedProperty().greaterThan(0));
        rulesAppliedLabel.managedProperty().bind(rulesAppliedLabel.visibleProperty());
        rulesSeparator.visibleProperty().bind(rulesAppliedLabel.visibleProperty());
        rulesSeparator.managedProperty().bind(rulesAppliedLabel.visibleProperty());
        usersFileProblemLabel.textProperty().bind(model.usersFileProblemProperty());
        usersFileBanner.visibleProperty().bind(model.usersFileProblemProperty().isNotEmpty());
        usersFileBanner.managedProperty().bind(usersFileBanner.visibleProperty());
        model.usersFileReloadedProperty().addListener((o, old, text) -> actions.messageProperty().set(text));
        messageLabel.textProperty().bind(actions.messageProperty());
        serverButton.disableProperty().bind(actions.busyProperty());
    }

    private static void markErrors(Label label) {
        if (!label.getStyleClass().contains("errors")) {
            label.getStyleClass().add("errors");
        }
    }

    /**
     * The session's number, after the marks that monitor.css shows on the row of a session in
     * error, of a session over TLS (a padlock, whose tooltip tells its TLS and AUTH), and of a
     * session whose client the server warned about (a "!", whose tooltip lists the warnings).
     */
    private static final class SessionNumberCell extends TableCell<SessionRow, Long> {
        private final Label mark = new Label("\u26a0");
        private final Region lock = new Region();
        private final Tooltip lockTip = new Tooltip();
        private final Label warning = new Label("!");
        private final Tooltip warningTip = new Tooltip();
        private final HBox marks = new HBox(mark, lock, warning);

        SessionNumberCell() {
            mark.getStyleClass().add("error-mark");
            mark.setTooltip(new Tooltip("The server sent this session a reply in error (4xx or 5xx)"));
            lock.getStyleClass().add("tls-mark");
            Tooltip.install(lock, lockTip);
            warning.getStyleClass().add("warning-mark");
            warning.setTooltip(warningTip);
            marks.getStyleClass().add("session-marks");
        }

        @Override
        protected void updateItem(Long id, boolean empty) {
            super.updateItem(id, empty);
            setText(empty || id == null ? null : id.toString());
            setGraphic(empty || id == null ? null : marks);
            lockTip.textProperty().unbind();
            warningTip.textProperty().unbind();
            int index = getIndex();
            if (!empty && id != null && index >= 0 && index < getTableView().getItems().size()) {
                SessionRow row = getTableView().getItems().get(index);
                lockTip.textProperty().bind(row.securityProperty());
                warningTip.textProperty().bind(row.warningsProperty());
            }
        }
    }

    // Actions named in main.fxml.

    @FXML
    void toggleServer() {
        actions.toggleServer();
    }

    @FXML
    void openMailboxFolder() {
        actions.openMailboxFolder();
    }

    @FXML
    void showRules() {
        showRules.run();
    }

    @FXML
    void dismissUsersFileProblem() {
        model.usersFileProblemProperty().set("");
    }

    @FXML
    void dismissApiProblem() {
        apiBanner.setVisible(false);
        apiBanner.setManaged(false);
    }

    @FXML
    void copySelectedLines() {
        actions.copy(transcriptList.getSelectionModel().getSelectedItems());
    }

    @FXML
    void saveTranscript() {
        SessionRow session = model.transcript().selectedSessionProperty().get();
        if (session != null) {
            actions.save(session, transcriptList.getScene().getWindow());
        }
    }
}
