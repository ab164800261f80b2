package org.smtpmonitor.ui;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import org.smtpmonitor.message.Part;
import org.smtpmonitor.message.SourceLines.Row;
import org.smtpmonitor.text.Printable;
import org.smtpmonitor.ui.Inspected.AttachmentRow;
import org.smtpmonitor.ui.Inspected.HeaderRow;

/**
 * Wires the controls of {@code message-body.fxml} (envelope, notes, tabs) to the
 * {@link MessageViewModel}; made by {@link MessageViewController} when the first message is
 * shown. The HTML tab's pane is made the first time the tab is selected. "Show session" goes
 * to {@code showSession}; saving and opening attachments ask through {@link AttachmentDialogs}.
 * Each tab's rows are filled when it is selected (see {@link #shown}).
 */
final class MessageBodyController {

    /** Notes shown above the tabs; a message made of errors would push the tabs off the window. */
    private static final int NOTES_SHOWN = 4;

    @FXML VBox inspectorContent;
    @FXML VBox envelopeBox;
    @FXML Label subjectLabel;
    @FXML Button showSessionButton;
    @FXML Label envelopeFrom;
    @FXML Label envelopeQueueId;
    @FXML Label envelopeTo;
    @FXML Label envelopeReceived;
    @FXML Label envelopeClient;
    @FXML Label envelopeHelo;
    @FXML Label envelopeMailbox;
    @FXML Label envelopeSecurity;
    @FXML Label notesLabel;
    @FXML TabPane messageTabs;
    @FXML Tab htmlTab;
    @FXML StackPane htmlContainer;
    @FXML Tab textTab;
    @FXML Label textNote;
    @FXML ComboBox<String> charsetBox;
    @FXML TextArea textArea;
    /** Shows a text too long for the text area, as rows. */
    @FXML ListView<String> textList;
    @FXML Tab headersTab;
    @FXML ToggleButton rawHeadersToggle;
    @FXML TableView<HeaderRow> headersTable;
    @FXML TableColumn<HeaderRow, String> headerNameColumn;
    @FXML TableColumn<HeaderRow, String> headerValueColumn;
    @FXML Tab partsTab;
    @FXML TreeTableView<Part> partsTree;
    @FXML TreeTableColumn<Part, String> partPathColumn;
    @FXML TreeTableColumn<Part, String> partTypeColumn;
    @FXML TreeTableColumn<Part, String> partCharsetColumn;
    @FXML TreeTableColumn<Part, String> partEncodingColumn;
    @FXML TreeTableColumn<Part, String> partSizeColumn;
    @FXML TreeTableColumn<Part, String> partFileColumn;
    @FXML Tab attachmentsTab;
    @FXML Button saveAttachmentButton;
    @FXML Button saveAllButton;
    @FXML Button openAttachmentButton;
    @FXML TableView<AttachmentRow> attachmentsTable;
    @FXML TableColumn<AttachmentRow, String> attachmentNameColumn;
    @FXML TableColumn<AttachmentRow, String> attachmentTypeColumn;
    @FXML TableColumn<AttachmentRow, String> attachmentSizeColumn;
    @FXML TableColumn<AttachmentRow, String> attachmentKindColumn;
    @FXML Tab sourceTab;
    @FXML ListView<Row> sourceList;

    private final MessageViewModel model;
    private final Supplier<HtmlPane> htmlPanes;
    private final LongConsumer showSession;
    private final AttachmentDialogs dialogs;
    private HtmlPane htmlPane;
    private long htmlShownId;
    private SourceView source;
    /** The tabs that show the message now shown (see {@link #shown}). */
    private final Set<Tab> filled = new HashSet<>();

    /**
     * @param htmlPanes   makes the HTML tab's pane, once, when the tab is first selected
     * @param showSession shows the transcript of the session of this id
     */
    MessageBodyController(MessageViewModel model, Supplier<HtmlPane> htmlPanes, LongConsumer showSession,
                          AttachmentDialogs dialogs) {
        this.model = model;
        this.htmlPanes = htmlPanes;
        this.showSession = showSession;
        this.dialogs = dialogs;
    }

    @FXML
    void initialize() {
        envelopeBox.managedProperty().bind(envelopeBox.visibleProperty());
        notesLabel.managedProperty().bind(notesLabel.visibleProperty());
        bindText();
        bindHeaders();
        bindParts();
        bindAttachments();
        source = new SourceView(sourceList, model);
        messageTabs.getSelectionModel().select(textTab);
        messageTabs.getSelectionModel().selectedItemProperty().addListener((o, old, tab) -> fillSelectedTab());
        shown(model.inspectedProperty().get());
    }

    private void bindText() {
        charsetBox.setItems(FXCollections.observableList(MessageViewModel.charsetChoices()));
        charsetBox.valueProperty().bindBidirectional(model.charsetProperty());
        textArea.textProperty().bind(Bindings.createStringBinding(() -> model.textProperty().get().text(),
                model.textProperty()));
        textNote.textProperty().bind(Bindings.createStringBinding(() -> model.textProperty().get().note(),
                model.textProperty()));
        model.textProperty().addListener((o, old, shown) -> showTextRows(shown));
        showTextRows(model.textProperty().get());
    }

    /** A long text in the list of rows, a short one in the text area (bound above). */
    private void showTextRows(MessageViewModel.ShownText shown) {
        textList.setItems(FXCollections.observableList(shown.rows()));
        textList.setVisible(!shown.rows().isEmpty());
        textArea.setVisible(shown.rows().isEmpty());
        textList.scrollTo(0);
    }

    private void bindHeaders() {
        headerNameColumn.setCellValueFactory(c -> text(c.getValue().name()));
        headerValueColumn.setCellValueFactory(c -> text(rawHeadersToggle.isSelected() ? c.getValue().raw()
                : c.getValue().value()));
        rawHeadersToggle.selectedProperty().addListener((o, old, raw) -> headersTable.refresh());
    }

    private void bindParts() {
        partPathColumn.setCellValueFactory(c -> text(c.getValue().getValue().path()));
        partTypeColumn.setCellValueFactory(c -> text(Printable.escape(c.getValue().getValue().contentType())
                + (c.getValue().getValue().raw() ? " (unreadable: raw)" : "")));
        partCharsetColumn.setCellValueFactory(c -> text(Printable.escape(c.getValue().getValue().charset())));
        partEncodingColumn.setCellValueFactory(c -> text(Printable.escape(c.getValue().getValue().transferEncoding())));
        partSizeColumn.setCellValueFactory(c -> text(Sizes.human(c.getValue().getValue().size())));
        partFileColumn.setCellValueFactory(c -> text(Printable.escape(c.getValue().getValue().filename())));
    }

    private void bindAttachments() {
        attachmentNameColumn.setCellValueFactory(c -> text(c.getValue().name()));
        attachmentTypeColumn.setCellValueFactory(c -> text(c.getValue().type()));
        attachmentSizeColumn.setCellValueFactory(c -> text(Sizes.human(c.getValue().size())));
        attachmentKindColumn.setCellValueFactory(c -> text(c.getValue().inline() ? "inline" : "attachment"));
        var selected = attachmentsTable.getSelectionModel().selectedItemProperty();
        saveAttachmentButton.disableProperty().bind(selected.isNull());
        openAttachmentButton.disableProperty().bind(selected.isNull());
        saveAllButton.disableProperty().bind(Bindings.isEmpty(attachmentsTable.getItems()));
    }

    private static ReadOnlyObjectWrapper<String> text(String value) {
        return new ReadOnlyObjectWrapper<>(value);
    }

    /**
     * Shows the message now shown (null: none): the envelope, the notes and the tabs' titles at
     * once, the selected tab's rows, and the other tabs' rows when they are selected. A table
     * on a hidden tab still makes, styles and lays out its rows, which cost the FX thread more
     * than all the rest of showing a message. The hidden tables and source drop the last
     * message's rows, so that they do not hold a message (its stored bytes) no longer shown.
     */
    void shown(Inspected message) {
        envelopeBox.setVisible(message != null);
        showSessionButton.setDisable(message == null || message.envelope().sessionId() == 0);
        if (message != null) {
            Inspected.Envelope envelope = message.envelope();
            subjectLabel.setText(message.subject().isEmpty() ? "(no subject)" : message.subject());
            envelopeFrom.setText(envelope.from());
            envelopeTo.setText(envelope.to());
            envelopeQueueId.setText(envelope.queueId());
            envelopeReceived.setText(envelope.received());
            envelopeClient.setText(envelope.client());
            envelopeHelo.setText(envelope.helo());
            envelopeMailbox.setText(envelope.mailbox());
            envelopeSecurity.setText(envelope.security());
        }
        showNotes(message == null ? List.of() : message.notes());
        int attachments = message == null ? 0 : message.attachments().size();
        attachmentsTab.setText(attachments == 0 ? "Attachments" : "Attachments (" + attachments + ")");
        filled.clear();
        chooseBodyTab(message);
        for (Tab tab : messageTabs.getTabs()) {
            if (message == null || tab != messageTabs.getSelectionModel().getSelectedItem()) {
                empty(tab);
            }
        }
        fillSelectedTab();
    }

    private void empty(Tab tab) {
        if (tab == headersTab) {
            headersTable.setItems(FXCollections.observableArrayList());
        } else if (tab == partsTab) {
            partsTree.setRoot(null);
        } else if (tab == attachmentsTab) {
            attachmentsTable.getItems().clear();
        } else if (tab == sourceTab) {
            source.show(null);
        }
    }

    /** Fills the selected tab with the message shown, if it is not filled yet. */
    private void fillSelectedTab() {
        Tab tab = messageTabs.getSelectionModel().getSelectedItem();
        Inspected message = model.inspectedProperty().get();
        if (tab == htmlTab) {
            showHtmlIfSelected();
        }
        if (message == null || !filled.add(tab)) {
            return;
        }
        if (tab == headersTab) {
            headersTable.setItems(FXCollections.observableList(message.headers()));
        } else if (tab == partsTab) {
            partsTree.setRoot(tree(message.parsed().root()));
        } else if (tab == attachmentsTab) {
            attachmentsTable.getItems().setAll(message.attachments());
        } else if (tab == sourceTab) {
            source.show(message);
        }
    }

    /** The first few notes on what was wrong with the message; all of them in the tooltip. */
    private void showNotes(List<String> notes) {
        notesLabel.setVisible(!notes.isEmpty());
        String all = "\u2022 " + String.join("\n\u2022 ", notes);
        String shown = notes.size() <= NOTES_SHOWN ? all : "\u2022 " + String.join("\n\u2022 ", notes.subList(0,
                NOTES_SHOWN)) + "\n\u2026 and " + (notes.size() - NOTES_SHOWN) + " more (point here to see them all)";
        notesLabel.setText(notes.isEmpty() ? "" : "Not well-formed MIME; what could be read is shown.\n" + shown);
        notesLabel.setTooltip(notes.size() <= NOTES_SHOWN ? null : new Tooltip(all));
    }

    private static TreeItem<Part> tree(Part part) {
        TreeItem<Part> item = new TreeItem<>(part);
        item.setExpanded(true);
        for (Part child : part.children()) {
            item.getChildren().add(tree(child));
        }
        return item;
    }

    /**
     * HTML when the message has only HTML, Text when it has no HTML; with both, the body tab
     * the user is on stays. A user on another tab (headers, say) stays there.
     */
    private void chooseBodyTab(Inspected message) {
        boolean hasHtml = message != null && message.hasHtml();
        Tab current = messageTabs.getSelectionModel().getSelectedItem();
        boolean onBody = current == htmlTab || current == textTab;
        if (onBody && hasHtml && !message.hasText()) {
            messageTabs.getSelectionModel().select(htmlTab);
        } else if (current == htmlTab && !hasHtml) {
            messageTabs.getSelectionModel().select(textTab);
        }
        htmlTab.setDisable(!hasHtml);
        htmlShownId = 0;
        if (htmlPane != null && !hasHtml) {
            htmlPane.clear();
        }
    }

    /** Makes the HTML pane the first time its tab is selected, and shows the message's HTML in it. */
    private void showHtmlIfSelected() {
        Inspected message = model.inspectedProperty().get();
        if (messageTabs.getSelectionModel().getSelectedItem() != htmlTab || message == null || !message.hasHtml()
                || htmlShownId == message.id()) {
            return;
        }
        if (htmlPane == null) {
            htmlPane = htmlPanes.get();
            htmlContainer.getChildren().setAll(htmlPane.node());
        }
        htmlShownId = message.id();
        htmlPane.show(message.id(), message.parsed());
    }

    /** The pane of the HTML tab, once made (null before its tab was first selected). */
    HtmlPane htmlPane() {
        return htmlPane;
    }

    // Actions named in message.fxml.

    @FXML
    void showSession() {
        Inspected message = model.inspectedProperty().get();
        if (message != null && message.envelope().sessionId() != 0) {
            showSession.accept(message.envelope().sessionId());
        }
    }

    @FXML
    void saveAttachment() {
        AttachmentRow row = attachmentsTable.getSelectionModel().getSelectedItem();
        if (row != null) {
            model.save(row, dialogs.saveFile().apply(inspectorContent.getScene().getWindow(), row.fileName()));
        }
    }

    @FXML
    void saveAllAttachments() {
        if (!attachmentsTable.getItems().isEmpty()) {
            model.saveAll(dialogs.saveFolder().apply(inspectorContent.getScene().getWindow()));
        }
    }

    @FXML
    void openAttachment() {
        AttachmentRow row = attachmentsTable.getSelectionModel().getSelectedItem();
        if (row != null) {
            model.open(row, dialogs.open());
        }
    }
}
