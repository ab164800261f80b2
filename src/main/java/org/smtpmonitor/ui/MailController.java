package org.smtpmonitor.ui;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

/**
 * Wires the controls of {@code mail.fxml} (mailboxes, message list, search) to their view
 * models, the selected message to the inspector ({@link MessageViewModel}), and the mail buttons and keys to {@link MailActions}. Its one piece of
 * state is the ids of the selected messages, so a reloaded list selects them again.
 */
final class MailController {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss",
            Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final PseudoClass FRESH = PseudoClass.getPseudoClass("fresh");
    private static final PseudoClass UNKNOWN = PseudoClass.getPseudoClass("unknown");
    private static final PseudoClass MORE = PseudoClass.getPseudoClass("more");

    @FXML Button exportMailboxButton;
    @FXML Button clearMailboxButton;
    @FXML TableView<MailboxRow> mailboxesTable;
    @FXML TableColumn<MailboxRow, String> mailboxAddressColumn;
    @FXML TableColumn<MailboxRow, String> mailboxCountColumn;
    @FXML TableColumn<MailboxRow, String> mailboxSizeColumn;
    @FXML TableColumn<MailboxRow, String> mailboxLastColumn;
    @FXML TextField searchField;
    @FXML Button exportMessageButton;
    @FXML Button deleteButton;
    @FXML Label previewStatus;
    @FXML TableView<MessageSummary> messagesTable;
    @FXML TableColumn<MessageSummary, String> messageReceivedColumn;
    @FXML TableColumn<MessageSummary, String> messageSenderColumn;
    @FXML TableColumn<MessageSummary, String> messageFromColumn;
    @FXML TableColumn<MessageSummary, String> messageSubjectColumn;
    @FXML TableColumn<MessageSummary, String> messageSizeColumn;

    private final MonitorViewModel model;
    private final MessageListViewModel list;
    private final MessageViewModel inspector;
    private final MailActions actions;
    private final Runnable refresh;
    private Set<Long> selectedIds = Set.of();
    private boolean reselecting;

    /** @param refresh lists and counts again soon (after a delete or clear) */
    MailController(MonitorViewModel model, MessageListViewModel list, MessageViewModel inspector, MailActions actions,
                   Runnable refresh) {
        this.model = model;
        this.list = list;
        this.inspector = inspector;
        this.actions = actions;
        this.refresh = refresh;
    }

    @FXML
    void initialize() {
        MainController.selectFirstRowOnFocus(mailboxesTable);
        MainController.selectFirstRowOnFocus(messagesTable);
        bindMailboxes();
        bindMessages();
        bindButtons();
    }

    private void bindMailboxes() {
        mailboxesTable.setItems(model.mailboxes());
        mailboxAddressColumn.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> c.getValue().address() + (c.getValue().freshProperty().get() ? "  \u2022 new" : ""),
                c.getValue().freshProperty()));
        mailboxCountColumn.setCellValueFactory(c -> Bindings.createStringBinding(c.getValue()::countText,
                c.getValue().messagesProperty(), c.getValue().unindexedBytesProperty()));
        mailboxSizeColumn.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> Sizes.human(c.getValue().sizeProperty().get()), c.getValue().sizeProperty()));
        mailboxLastColumn.setCellValueFactory(c -> Bindings.createStringBinding(() -> {
            Instant last = c.getValue().lastDeliveryProperty().get();
            return last == null ? "\u2014" : CLOCK.format(last);
        }, c.getValue().lastDeliveryProperty()));
        mailboxesTable.setRowFactory(table -> new FlagRow<>(FRESH, MailboxRow::freshProperty));
        model.selectedMailboxProperty().bind(mailboxesTable.getSelectionModel().selectedItemProperty());
    }

    private void bindMessages() {
        list.mailboxProperty().bind(model.selectedMailboxProperty());
        list.queryProperty().bind(searchField.textProperty());
        messagesTable.setItems(list.rows());
        messagesTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        messageReceivedColumn.setCellValueFactory(c -> text(received(c.getValue().received())));
        messageSenderColumn.setCellValueFactory(c -> text(c.getValue().envelopeFrom()));
        messageFromColumn.setCellValueFactory(c -> text(c.getValue().from()));
        messageSubjectColumn.setCellValueFactory(c -> text(c.getValue().subject()));
        messageSizeColumn.setCellValueFactory(c -> text(c.getValue().kind() == MessageSummary.Kind.MORE ? ""
                : Sizes.human(c.getValue().size())));
        messagesTable.setRowFactory(table -> new MessageRow());
        messagesTable.getSelectionModel().getSelectedItems().addListener(
                (javafx.collections.ListChangeListener<MessageSummary>) change -> selectionChanged());
        // The selected item is set after the selected items have changed: the inspector follows it.
        messagesTable.getSelectionModel().selectedItemProperty().addListener((o, old, item) -> {
            if (!list.isUpdating() && !reselecting) {
                inspector.show(idOf(item));
            }
        });
        // After a new listing, select the messages the user had selected again.
        list.reloadsProperty().addListener((o, old, n) -> reselect());
        messagesTable.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.DELETE && !e.isShortcutDown() && !e.isShiftDown()) {
                deleteMessages();
                e.consume();
            }
        });
        previewStatus.textProperty().bind(list.statusProperty());
    }

    private void bindButtons() {
        exportMailboxButton.disableProperty().bind(model.selectedMailboxProperty().isNull());
        clearMailboxButton.disableProperty().bind(model.selectedMailboxProperty().isNull());
        exportMessageButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> !isMessage(messagesTable.getSelectionModel().getSelectedItem()),
                messagesTable.getSelectionModel().selectedItemProperty()));
        deleteButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> messagesTable.getSelectionModel().getSelectedItems().stream().noneMatch(MailController::isMessage),
                messagesTable.getSelectionModel().getSelectedItems()));
    }

    private static boolean isMessage(MessageSummary row) {
        return row != null && row.isMessage();
    }

    /** The message of a row; 0 for none, or for a row that is not a message. */
    private static long idOf(MessageSummary row) {
        return isMessage(row) ? row.id() : 0;
    }

    private static ReadOnlyObjectWrapper<String> text(String value) {
        return new ReadOnlyObjectWrapper<>(value);
    }

    /** Today's times as a clock, older ones with their day. */
    private static String received(Instant at) {
        if (at == null) {
            return "";
        }
        boolean today = LocalDate.ofInstant(at, ZoneId.systemDefault()).equals(LocalDate.now());
        return (today ? CLOCK : DAY_AND_CLOCK).format(at);
    }

    private void selectionChanged() {
        if (list.isUpdating() || reselecting) {
            return;
        }
        Set<Long> ids = new HashSet<>();
        for (MessageSummary row : messagesTable.getSelectionModel().getSelectedItems()) {
            if (row != null && row.isMessage()) {
                ids.add(row.id());
            } else if (row != null && row.kind() == MessageSummary.Kind.MORE) {
                list.loadMore();
            }
        }
        selectedIds = ids;
    }

    private void reselect() {
        reselecting = true;
        try {
            messagesTable.getSelectionModel().clearSelection();
            List<MessageSummary> rows = messagesTable.getItems();
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).isMessage() && selectedIds.contains(rows.get(i).id())) {
                    messagesTable.getSelectionModel().select(i);
                }
            }
        } finally {
            reselecting = false;
        }
        selectionChanged();
        inspector.show(idOf(messagesTable.getSelectionModel().getSelectedItem()));
    }

    /** A message row, styled by its kind; the "load more" row loads the next page once it is scrolled into view. */
    private final class MessageRow extends TableRow<MessageSummary> {
        @Override
        protected void updateItem(MessageSummary item, boolean empty) {
            super.updateItem(item, empty);
            MessageSummary.Kind kind = item == null || empty ? null : item.kind();
            pseudoClassStateChanged(UNKNOWN, kind == MessageSummary.Kind.UNINDEXED);
            pseudoClassStateChanged(MORE, kind == MessageSummary.Kind.MORE);
            if (kind == MessageSummary.Kind.MORE && isShown()) {
                javafx.application.Platform.runLater(list::loadMore);
            }
        }

        /** False for the hidden row a table lays out only to measure rows. */
        private boolean isShown() {
            for (Node node = getParent(); node != null; node = node.getParent()) {
                if (!node.isVisible()) {
                    return false;
                }
            }
            return getParent() != null;
        }
    }

    // Actions named in mail.fxml, and the window's shortcuts.

    @FXML
    void deleteMessages() {
        actions.delete(List.copyOf(messagesTable.getSelectionModel().getSelectedItems()), refresh);
    }

    @FXML
    void clearMailbox() {
        actions.clear(model.selectedMailboxProperty().get(), mailboxesTable.getScene().getWindow(), refresh);
    }

    @FXML
    void exportMessage() {
        actions.exportMessage(messagesTable.getSelectionModel().getSelectedItem(), messagesTable.getScene().getWindow());
    }

    @FXML
    void exportMailbox() {
        actions.exportMailbox(model.selectedMailboxProperty().get(), mailboxesTable.getScene().getWindow());
    }

    void focusSearch() {
        searchField.requestFocus();
        searchField.selectAll();
    }
}
