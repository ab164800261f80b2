package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * Wires {@code message.fxml}, the message inspector's shell: what it says when it shows no
 * message, and its body ({@link MessageBodyController}: envelope, notes, tabs), which is
 * loaded when the first message is shown. The body is most of the window's controls, and
 * the window's cold start does without it: with it, the start took about 2 s more processor
 * time.
 */
final class MessageViewController {

    private static final PseudoClass LOADING = PseudoClass.getPseudoClass("loading");

    @FXML VBox messageView;
    @FXML Label messageState;
    @FXML StackPane inspectorBody;

    private final MessageViewModel model;
    private final Supplier<HtmlPane> htmlPanes;
    private final LongConsumer showSession;
    private final AttachmentDialogs dialogs;
    private MessageBodyController body;

    /**
     * @param htmlPanes   makes the HTML tab's pane, once, when the tab is first selected
     * @param showSession shows the transcript of the session of this id
     */
    MessageViewController(MessageViewModel model, Supplier<HtmlPane> htmlPanes, LongConsumer showSession,
                          AttachmentDialogs dialogs) {
        this.model = model;
        this.htmlPanes = htmlPanes;
        this.showSession = showSession;
        this.dialogs = dialogs;
    }

    @FXML
    void initialize() {
        messageState.textProperty().bind(model.stateProperty());
        messageState.visibleProperty().bind(model.stateProperty().isNotEmpty());
        messageState.managedProperty().bind(messageState.visibleProperty());
        model.loadingProperty().addListener((o, old, loading) -> {
            messageView.pseudoClassStateChanged(LOADING, loading);
            if (loading) {
                loadBody(); // while the message is read
            }
        });
        model.inspectedProperty().addListener((o, old, message) -> {
            if (body != null) {
                body.shown(message);
            } else if (message != null) {
                loadBody(); // which shows it
            }
        });
    }

    /** Shows message {@code id}, as if selected in the list (a delivery in a transcript leads here). */
    void showMessage(long id) {
        model.show(id);
    }

    /** The body, once loaded (null before the first message is shown). */
    MessageBodyController body() {
        return body;
    }

    private void loadBody() {
        if (body != null) {
            return;
        }
        MessageBodyController controller = new MessageBodyController(model, htmlPanes, showSession, dialogs);
        FXMLLoader loader = new FXMLLoader(MessageViewController.class.getResource("/fxml/message-body.fxml"));
        loader.setController(controller);
        try {
            inspectorBody.getChildren().setAll((Node) loader.load());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the message inspector's layout", e);
        }
        body = controller;
    }
}
