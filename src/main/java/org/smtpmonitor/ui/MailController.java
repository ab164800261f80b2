package org.smtpmonitor.ui;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.Region;

import org.smtpmonitor.message.MessageOrder;

/**
 * Wires the controls of {@code mail.fxml} (mailboxes, message list, search) to their view
 * models, the selected message to the inspector ({@link MessageViewModel}), and the mail
 * buttons, keys and context menu to {@link MailActions}. Its one piece of state is the ids
 * of the selected messages, so a reloaded list selects them again. A click on a column's
 * header sorts the list through the index, not the rows on view.
 */
final class MailController {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss",
            Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final PseudoClass FRESH = PseudoClass.getPseudoClass("fresh");
    private static final PseudoClass REMOVED = PseudoClass.getPseudoClass("removed");

    @FXML Button exportMailboxButton;
    @FXML Button clearMailboxButton;
    @FXML TableView<MailboxRow> mailboxesTable;
    @FXML TableColumn<MailboxRow, String> mailboxAddressColumn;
    @FXML TableColumn<MailboxRow, String> mailboxCountColumn;
    @FXML TableColumn<MailboxRow, String> mailboxSizeColumn;
    @FXML TableColumn<MailboxRow, String> mailboxLastColumn;
    @FXML TableColumn<MailboxRow, String> mailboxUnreadColumn;
    @FXML TextField searchField;
    @FXML Button exportMessageButton;
    @FXML Button deleteButton;
    @FXML Button releaseButton;
    @FXML Label previewStatus;
    @FXML TableView<MessageSummary> messagesTable;
    @FXML TableColumn<MessageSummary, String> messageReceivedColumn;
    @FXML TableColumn<MessageSummary, String> messageSenderColumn;
    @FXML TableColumn<MessageSummary, String> messageFromColumn;
    @FXML TableColumn<MessageSummary, String> messageSubjectColumn;
    @FXML TableColumn<MessageSummary, String> messageSizeColumn;
    @FXML MenuItem deleteMenuItem;
    @FXML MenuItem exportMenuItem;
    @FXML MenuItem releaseMenuItem;
    @FXML MenuItem clearMenuItem;

    private final MonitorViewModel model;
    private final MessageListViewModel list;
    private final MessageViewModel inspector;
    private final MailActions actions;
    private final Runnable refresh;
    private final UnreadMarks unread;
    private final DragFiles drag;
    private final Consumer<String> status;
    private Set<Long> selectedIds = Set.of();
    private boolean reselecting;
    /** The next listing should scroll to the selection: it was asked for by a sort or a jump. */
    private boolean scrollToSelection;
    /** The message a jump is to select once listed (0 for none). */
    private long jumpingTo;
    private ReleaseDialog lastRelease;

    /**
     * @param refresh lists and counts again soon (after a delete or clear)
     * @param status  the window's status bar
     */
    MailController(MonitorViewModel model, MessageListViewModel list, MessageViewModel inspector, MailActions actions,
                   Runnable refresh, UnreadMarks unread, DragFiles drag, Consumer<String> status) {
        this.model = model;
        this.list = list;
        this.inspector = inspector;
        this.actions = actions;
        this.refresh = refresh;
        this.unread = unread;
        this.drag = drag;
        this.status = status;
    }

    @FXML
    void initialize() {
        MainController.selectFirstRowOnFocus(mailboxesTable);
        MainController.selectFirstRowOnFocus(messagesTable);
        bindMailboxes();
        bindMessages();
        bindSorting();
        bindButtons();
    }

    private void bindMailboxes() {
        mailboxesTable.setItems(model.mailboxes());
        mailboxAddressColumn.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> c.getValue().address() + (c.getValue().freshProperty().get() ? "  \u2022 new" : "")
                        + (c.getValue().removedProperty().get() ? "  (not in the users file)" : ""),
                c.getValue().freshProperty(), c.getValue().removedProperty()));
        mailboxCountColumn.setCellValueFactory(c -> Bindings.createStringBinding(c.getValue()::countText,
                c.getValue().messagesProperty(), c.getValue().unindexedBytesProperty()));
        mailboxSizeColumn.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> Sizes.human(c.getValue().sizeProperty().get()), c.getValue().sizeProperty()));
        mailboxLastColumn.setCellValueFactory(c -> Bindings.createStringBinding(() -> {
            Instant last = c.getValue().lastDeliveryProperty().get();
            return last == null ? "\u2014" : CLOCK.format(last);
        }, c.getValue().lastDeliveryProperty()));
        mailboxUnreadColumn.setCellValueFactory(c -> Bindings.createStringBinding(() -> {
            long n = c.getValue().unreadProperty().get();
            return n == 0 ? "" : String.format(Locale.ROOT, "%,d", n);
        }, c.getValue().unreadProperty()));
        mailboxesTable.setRowFactory(table -> new FlagRow<>(List.of(new FlagRow.Flag<>(FRESH, MailboxRow::freshProperty),
                new FlagRow.Flag<>(REMOVED, MailboxRow::removedProperty))));
        model.selectedMailboxProperty().bind(mailboxesTable.getSelectionModel().selectedItemProperty());
    }

    private void bindMessages() {
        list.mailboxProperty().bind(model.selectedMailboxProperty());
        list.queryProperty().bind(searchField.textProperty());
        messagesTable.setItems(list.rows());
        messagesTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        messageReceivedColumn.setCellValueFactory(c -> text(received(c.getValue().received())));
        messageReceivedColumn.setCellFactory(column -> new ReceivedCell());
        messageSenderColumn.setCellValueFactory(c -> text(c.getValue().envelopeFrom()));
        messageFromColumn.setCellValueFactory(c -> text(c.getValue().from()));
        messageSubjectColumn.setCellValueFactory(c -> text(c.getValue().subject()));
        messageSizeColumn.setCellValueFactory(c -> text(c.getValue().kind() == MessageSummary.Kind.MORE ? ""
                : Sizes.human(c.getValue().size())));
        messagesTable.setRowFactory(table -> new MessageRow(list, unread, drag));
        messagesTable.getSelectionModel().getSelectedItems().addListener(
                (javafx.collections.ListChangeListener<MessageSummary>) change -> selectionChanged());
        // The selected item is set after the selected items have changed: the inspector follows it.
        messagesTable.getSelectionModel().selectedItemProperty().addListener((o, old, item) -> {
            if (!list.isUpdating() && !reselecting) {
                inspector.show(idOf(item));
            }
        });
        // The message shown is read from now on.
        messagesTable.getSelectionModel().selectedItemProperty().addListener((o, old, item) -> {
            if (!list.isUpdating() && !reselecting) {
                unread.shown(item);
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

    /**
     * Sorting is the index's: the table only shows which column and direction were chosen.
     * No column chosen (a third click) is the list's own order, newest first.
     */
    private void bindSorting() {
        Map<TableColumn<MessageSummary, ?>, MessageOrder.Key> keys = Map.of(
                messageReceivedColumn, MessageOrder.Key.RECEIVED, messageSenderColumn, MessageOrder.Key.ENVELOPE_FROM,
                messageFromColumn, MessageOrder.Key.FROM, messageSubjectColumn, MessageOrder.Key.SUBJECT,
                messageSizeColumn, MessageOrder.Key.SIZE);
        messagesTable.setSortPolicy(table -> {
            MessageOrder wanted = MessageOrder.NEWEST_FIRST;
            if (!table.getSortOrder().isEmpty()) {
                TableColumn<MessageSummary, ?> column = table.getSortOrder().get(0);
                wanted = new MessageOrder(keys.get(column), column.getSortType() == TableColumn.SortType.DESCENDING);
            }
            if (!wanted.equals(list.orderProperty().get())) {
                scrollToSelection = true;
                list.sort(wanted, idOf(messagesTable.getSelectionModel().getSelectedItem()));
            }
            return true;
        });
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
        deleteMenuItem.disableProperty().bind(deleteButton.disableProperty());
        exportMenuItem.disableProperty().bind(exportMessageButton.disableProperty());
        releaseButton.disableProperty().bind(exportMessageButton.disableProperty());
        releaseMenuItem.disableProperty().bind(exportMessageButton.disableProperty());
        clearMenuItem.disableProperty().bind(clearMailboxButton.disableProperty());
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
        unread.shown(messagesTable.getSelectionModel().getSelectedItem());
        if (scrollToSelection) {
            scrollToSelection = false;
            int selected = messagesTable.getSelectionModel().getSelectedIndex();
            if (selected >= 0) {
                messagesTable.scrollTo(Math.max(0, selected - 3));
            }
        }
        if (jumpingTo != 0) {
            if (!selectedIds.contains(jumpingTo)) {
                status.accept(String.format(Locale.ROOT, "Message %d is not within the first %,d of this order:"
                        + " sort by Received to reach it", jumpingTo, MessageListViewModel.MAX_REVEAL));
            }
            jumpingTo = 0;
        }
    }

    /**
     * Shows the message a session delivered: selects the mailbox it went to (the one on view,
     * if it is one of them), lists it without the search, and selects the message; its copy
     * is looked for in the index off the FX thread.
     */
    void showDelivery(TranscriptLine.Delivery delivery) {
        if (delivery.mailboxes().isEmpty()) {
            return;
        }
        MailboxRow onView = model.selectedMailboxProperty().get();
        String address = onView != null && delivery.mailboxes().contains(onView.address()) ? onView.address()
                : delivery.mailboxes().get(0);
        list.findDelivered(delivery.queueId(), address, id -> {
            Optional<MailboxRow> mailbox = model.mailboxes().stream().filter(m -> m.address().equals(address)).findFirst();
            if (mailbox.isEmpty()) {
                return;
            }
            searchField.clear();
            mailboxesTable.getSelectionModel().select(mailbox.get());
            mailboxesTable.scrollTo(mailbox.get());
            selectedIds = Set.of(id);
            scrollToSelection = true;
            jumpingTo = id;
            list.reveal(id);
        }, status);
    }

    /** The time a message was received, after a dot that monitor.css shows while it is unread. */
    private static final class ReceivedCell extends TableCell<MessageSummary, String> {
        private final Region dot = new Region();

        ReceivedCell() {
            dot.getStyleClass().add("unread-dot");
        }

        @Override
        protected void updateItem(String time, boolean empty) {
            super.updateItem(time, empty);
            setText(empty ? null : time);
            setGraphic(empty ? null : dot);
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

    /** Opens Release… for the selected message (the one shown); nothing when none is. */
    @FXML
    void releaseMessage() {
        lastRelease = actions.release(messagesTable.getSelectionModel().getSelectedItem(),
                messagesTable.getScene().getWindow());
    }

    /** The last Release… dialog opened, or null; for tests and screenshots. */
    ReleaseDialog lastRelease() {
        return lastRelease;
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
