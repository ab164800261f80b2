package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.prefs.Preferences;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.ReleaseOutcome;
import org.smtpmonitor.app.ReleaseTarget;
import org.smtpmonitor.app.ReleaseTarget.Security;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.text.Printable;

/**
 * Release… ({@code fxml/release.fxml}): sends one stored message on to a real SMTP server
 * with our own client ({@link MailboxDirectory#release}). The form (host, port, security,
 * user, password, "trust any certificate", recipients) is filled with what the user sent last
 * time, the password excepted; the recipients' prompt shows the stored envelope's, which an
 * empty field sends to. Sending runs on {@code actions}, never on the FX thread; meanwhile the
 * form is disabled and a spinner turns. The outcome shows as a session's transcript does
 * ({@code C:}, {@code S:}, {@code --} lines in the transcript's colours) under a summary that
 * says delivered or not. A failure to connect is an outcome too, never an exception shown raw.
 */
final class ReleaseDialog {

    private static final PseudoClass DELIVERED = PseudoClass.getPseudoClass("delivered");
    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    private static final PseudoClass CLIENT = PseudoClass.getPseudoClass("client");
    private static final PseudoClass SERVER = PseudoClass.getPseudoClass("server");
    private static final PseudoClass SERVER_ERROR = PseudoClass.getPseudoClass("server-error");
    private static final PseudoClass NOTE = PseudoClass.getPseudoClass("note");
    private static final System.Logger LOG = System.getLogger(ReleaseDialog.class.getName());

    private final MailboxDirectory mail;
    private final Executor actions;
    private final Supplier<Preferences> preferences;
    private final MessageSummary message;
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private Stage stage;
    /** The form as the user last sent it, or as remembered: the port follows the security only while it is the usual one. */
    private boolean portTouched;

    @FXML Label messageLabel;
    @FXML GridPane form;
    @FXML TextField hostField;
    @FXML TextField portField;
    @FXML ComboBox<Security> securityBox;
    @FXML CheckBox insecureBox;
    @FXML TextField userField;
    @FXML PasswordField passwordField;
    @FXML TextField recipientsField;
    @FXML Button sendButton;
    @FXML ProgressIndicator busyIndicator;
    @FXML Label summaryLabel;
    @FXML ListView<String> transcriptList;
    @FXML Button closeButton;

    /**
     * @param actions     runs the send and the reading and writing of the remembered form
     * @param preferences where the form is remembered, asked for off the FX thread; null from it for nowhere
     */
    ReleaseDialog(MailboxDirectory mail, Executor actions, Supplier<Preferences> preferences, MessageSummary message) {
        this.mail = mail;
        this.actions = actions;
        this.preferences = preferences;
        this.message = message;
    }

    /** Shows the dialog over {@code owner}, then fills the form and the recipients' prompt off the FX thread. */
    void show(Window owner) {
        FXMLLoader loader = new FXMLLoader(ReleaseDialog.class.getResource("/fxml/release.fxml"));
        loader.setController(this);
        Parent root;
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the release dialog's layout", e);
        }
        stage = new Stage();
        stage.initOwner(owner);
        stage.setTitle("Release message " + message.id() + " \u2014 smtp-monitor");
        Scene scene = new Scene(root);
        scene.getStylesheets().add(ReleaseDialog.class.getResource("/fxml/monitor.css").toExternalForm());
        stage.setScene(scene);
        fill(ReleaseForm.FRESH);
        // Disabled until the remembered form is in: a Send before would send the defaults.
        busy.set(true);
        BackgroundCall.run(actions, this::remembered, form -> {
            fill(form);
            busy.set(false);
            hostField.requestFocus();
        }, failure -> busy.set(false));
        BackgroundCall.run(actions, () -> mail.message(message.id()).map(IndexedMessage::envelopeTo).orElse(List.of()),
                to -> recipientsField.setPromptText(to.isEmpty() ? "the stored envelope's"
                        : "the stored envelope's: " + Printable.escape(String.join(", ", to))),
                failure -> { });
        stage.show();
    }

    @FXML
    void initialize() {
        messageLabel.setText("Release message " + message.id() + (message.subject().isEmpty() ? ""
                : " (" + message.subject() + ")") + " to a real SMTP server");
        securityBox.getItems().setAll(Security.values());
        securityBox.setConverter(new StringConverter<>() {
            @Override
            public String toString(Security security) {
                return security == null ? "" : switch (security) {
                    case PLAIN -> "Plain";
                    case STARTTLS -> "STARTTLS";
                    case TLS -> "TLS";
                };
            }

            @Override
            public Security fromString(String text) {
                return Security.valueOf(text.toUpperCase(Locale.ROOT));
            }
        });
        securityBox.valueProperty().addListener((o, old, security) -> {
            if (security != null && !portTouched) {
                portField.setText(Integer.toString(ReleaseForm.usualPort(security)));
            }
        });
        portField.textProperty().addListener((o, old, text) -> portTouched = !text.strip().equals(
                securityBox.getValue() == null ? "" : Integer.toString(ReleaseForm.usualPort(securityBox.getValue()))));
        recipientsField.setPromptText("the stored envelope's");
        transcriptList.setCellFactory(list -> new OutcomeCell());
        form.disableProperty().bind(busy);
        sendButton.disableProperty().bind(busy);
        busyIndicator.visibleProperty().bind(busy);
    }

    private ReleaseForm remembered() {
        Preferences node = preferences.get();
        return node == null ? ReleaseForm.FRESH : ReleaseForm.read(node);
    }

    private void fill(ReleaseForm form) {
        hostField.setText(form.host());
        securityBox.setValue(form.security());
        portField.setText(Integer.toString(form.port()));
        userField.setText(form.user());
        insecureBox.setSelected(form.insecure());
        recipientsField.setText(form.recipients());
    }

    /** The form as typed; the port must be a number. */
    private ReleaseForm typed() {
        int port;
        try {
            port = Integer.parseInt(portField.getText().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port '" + portField.getText().strip() + "' is not a number");
        }
        return new ReleaseForm(hostField.getText().strip(), port, securityBox.getValue(), userField.getText().strip(),
                insecureBox.isSelected(), recipientsField.getText().strip());
    }

    @FXML
    void send() {
        if (busy.get()) {
            return;
        }
        ReleaseForm typed;
        ReleaseTarget target;
        try {
            typed = typed();
            target = typed.target(passwordField.getText());
        } catch (IllegalArgumentException e) {
            showFailure("Not sent: " + e.getMessage(), List.of());
            return;
        }
        busy.set(true);
        summaryLabel.setText("Sending to " + target.host() + ":" + target.port() + "\u2026");
        summaryLabel.pseudoClassStateChanged(DELIVERED, false);
        summaryLabel.pseudoClassStateChanged(FAILED, false);
        transcriptList.getItems().clear();
        long id = message.id();
        BackgroundCall.run(actions, () -> {
            remember(typed);
            return mail.release(id, target);
        }, outcome -> {
            busy.set(false);
            showOutcome(outcome);
        }, failure -> {
            busy.set(false);
            String reason = Printable.escape(BackgroundCall.reason(failure));
            showFailure("Not delivered: " + reason, List.of("-- " + reason));
        });
    }

    /** Remembers the form (never the password) for the next run; a store that fails only costs that. */
    private void remember(ReleaseForm typed) {
        try {
            Preferences node = preferences.get();
            if (node != null) {
                typed.write(node);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remember the release form", e);
        }
    }

    private void showOutcome(ReleaseOutcome outcome) {
        List<String> lines = new ArrayList<>();
        for (String line : outcome.transcript()) {
            lines.add(Printable.escape(line));
        }
        transcriptList.getItems().setAll(lines);
        StringBuilder summary = new StringBuilder(outcome.delivered() ? "Delivered: " : "Not delivered: ")
                .append(Printable.escape(outcome.summary()));
        if (!outcome.refused().isEmpty()) {
            summary.append("\nRefused: ").append(Printable.escape(String.join("; ", outcome.refused())));
        }
        summaryLabel.setText(summary.toString());
        summaryLabel.pseudoClassStateChanged(DELIVERED, outcome.delivered());
        summaryLabel.pseudoClassStateChanged(FAILED, !outcome.delivered());
        if (!lines.isEmpty()) {
            transcriptList.scrollTo(lines.size() - 1);
        }
    }

    private void showFailure(String summary, List<String> transcript) {
        transcriptList.getItems().setAll(transcript);
        summaryLabel.setText(summary);
        summaryLabel.pseudoClassStateChanged(DELIVERED, false);
        summaryLabel.pseudoClassStateChanged(FAILED, true);
    }

    @FXML
    void close() {
        // A send under way finishes on its thread; nobody shows its outcome.
        stage.hide();
    }

    /** The dialog's window; for tests and screenshots. */
    Stage stage() {
        return stage;
    }

    /** True while the form is being read or a message sent. */
    BooleanProperty busyProperty() {
        return busy;
    }

    /** A line of the release's transcript in the session transcript's colours: C: client, S: server, -- a note. */
    private static final class OutcomeCell extends ListCell<String> {
        @Override
        protected void updateItem(String line, boolean empty) {
            super.updateItem(line, empty);
            String text = empty || line == null ? "" : line;
            boolean server = text.startsWith("S:");
            boolean error = server && text.length() > 3 && (text.charAt(3) == '4' || text.charAt(3) == '5');
            pseudoClassStateChanged(CLIENT, text.startsWith("C:"));
            pseudoClassStateChanged(SERVER, server && !error);
            pseudoClassStateChanged(SERVER_ERROR, error);
            pseudoClassStateChanged(NOTE, text.startsWith("--"));
            setText(empty ? null : text);
        }
    }
}
