package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import javafx.stage.Window;

import org.smtpmonitor.app.ScriptedFailures;
import org.smtpmonitor.smtp.RuleStatus;
import org.smtpmonitor.smtp.RulesException;
import org.smtpmonitor.text.Printable;

/**
 * The scripted failure rules' window ({@code fxml/rules.fxml}): the rules in force with a
 * switch each and the times each applied, live; and the rules file's text, which Apply puts
 * in force for every session at once and Save writes back. One window, made on first use and
 * shown again after; it follows the rules whoever changes them.
 *
 * <p>The rules change on the server's threads (a rule applied); the window hears of it
 * through one {@link Platform#runLater} at a time however many arrive meanwhile, and reads
 * the rules' state, which is in memory. Saving is file I/O, off the FX thread.
 */
final class RulesWindow {

    private final ScriptedFailures failures;
    private final Window owner;
    private final Executor background;
    private final BiFunction<Window, String, Path> saveAs;
    private final Consumer<String> message;
    private final ObservableList<RuleRow> rows = FXCollections.observableArrayList();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final Runnable changed = this::queueRefresh;
    /** The editor's text is not the rules in force: the user edited it. */
    private boolean edited;
    /** Set while the window itself changes the editor or the switches, which are not the user's edits. */
    private boolean updating;
    private Stage stage;

    @FXML Label fileLabel;
    @FXML TableView<RuleRow> rulesTable;
    @FXML TableColumn<RuleRow, Boolean> enabledColumn;
    @FXML TableColumn<RuleRow, String> nameColumn;
    @FXML TableColumn<RuleRow, String> summaryColumn;
    @FXML TableColumn<RuleRow, Number> appliedColumn;
    @FXML Label stateLabel;
    @FXML TextArea editor;
    @FXML Label errorLabel;
    @FXML Button applyButton;
    @FXML Button revertButton;
    @FXML Button saveButton;

    /**
     * @param saveAs  asks where to save rules that have no file yet, given the window and a
     *                suggested name; null when the user cancelled
     * @param message shows an outcome in the main window's status bar
     */
    RulesWindow(ScriptedFailures failures, Window owner, Executor background, BiFunction<Window, String, Path> saveAs,
                Consumer<String> message) {
        this.failures = failures;
        this.owner = owner;
        this.background = background;
        this.saveAs = saveAs;
        this.message = message;
    }

    /** Shows the window, made on first use, in front. */
    void show() {
        if (stage == null) {
            stage = build();
        }
        if (!stage.isShowing()) {
            failures.addListener(changed);
            refresh();
            stage.show();
        }
        stage.toFront();
        editor.requestFocus();
    }

    /** The window, once shown; for tests. */
    Stage stage() {
        return stage;
    }

    private Stage build() {
        FXMLLoader loader = new FXMLLoader(RulesWindow.class.getResource("/fxml/rules.fxml"));
        loader.setController(this);
        Parent root;
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the rules window's layout", e);
        }
        Stage made = new Stage();
        made.initOwner(owner);
        made.setTitle("Scripted failure rules \u2014 smtp-monitor");
        Scene scene = new Scene(root);
        scene.getStylesheets().add(RulesWindow.class.getResource("/fxml/monitor.css").toExternalForm());
        scene.getAccelerators().put(KeyCombination.keyCombination("Shortcut+Enter"), this::apply);
        scene.getAccelerators().put(KeyCombination.keyCombination("Shortcut+S"), this::save);
        made.setScene(scene);
        made.setOnHidden(e -> failures.removeListener(changed));
        return made;
    }

    @FXML
    void initialize() {
        rulesTable.setItems(rows);
        enabledColumn.setCellValueFactory(c -> c.getValue().enabled);
        enabledColumn.setCellFactory(CheckBoxTableCell.forTableColumn(enabledColumn));
        nameColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(Printable.escape(c.getValue().name)));
        summaryColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().summary));
        appliedColumn.setCellValueFactory(c -> c.getValue().applied);
        editor.textProperty().addListener((o, old, text) -> {
            if (!updating) {
                edited = true;
                describeState();
            }
        });
    }

    /** Called on any thread whenever the rules change: one refresh on the FX thread for many changes. */
    private void queueRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                refreshQueued.set(false);
                refresh();
            });
        }
    }

    /** Shows the rules in force: their switches and counts, and their text unless the user is editing it. */
    private void refresh() {
        List<RuleStatus> statuses = failures.statuses();
        updating = true;
        try {
            if (sameRules(statuses)) {
                for (int i = 0; i < statuses.size(); i++) {
                    rows.get(i).enabled.set(statuses.get(i).enabled());
                    rows.get(i).applied.set(statuses.get(i).applied());
                }
            } else {
                List<RuleRow> made = new ArrayList<>(statuses.size());
                for (RuleStatus status : statuses) {
                    made.add(new RuleRow(status));
                }
                rows.setAll(made);
            }
            if (!edited) {
                String text = failures.text();
                if (!text.equals(editor.getText())) {
                    editor.setText(text);
                }
            }
        } finally {
            updating = false;
        }
        Path file = failures.file();
        fileLabel.setText(file == null ? "Not saved: rules without a file last until the server quits"
                : Printable.escape(file.toString()));
        saveButton.setText(file == null ? "Save as\u2026" : "Save");
        describeState();
    }

    private boolean sameRules(List<RuleStatus> statuses) {
        if (statuses.size() != rows.size()) {
            return false;
        }
        for (int i = 0; i < statuses.size(); i++) {
            RuleStatus status = statuses.get(i);
            RuleRow row = rows.get(i);
            if (!status.name().equals(row.name) || !status.summary().equals(row.summary)) {
                return false;
            }
        }
        return true;
    }

    private void describeState() {
        stateLabel.setText(edited ? "Edited: Apply to put in force" : "In force");
        revertButton.setDisable(!edited);
    }

    /** Puts the editor's rules in force; returns whether they parsed. */
    @FXML
    boolean apply() {
        try {
            failures.apply(editor.getText());
        } catch (RulesException e) {
            showError(e);
            return false;
        }
        edited = false;
        hideError();
        int count = failures.statuses().size();
        message.accept("Rules applied: " + count + (count == 1 ? " rule" : " rules") + " in force");
        refresh();
        return true;
    }

    @FXML
    void revert() {
        edited = false;
        hideError();
        refresh();
    }

    /**
     * Writes the rules in force to their file, after applying the editor's edits (nothing is
     * saved if they do not parse); rules without a file ask where first.
     */
    @FXML
    void save() {
        if (edited && !apply()) {
            return;
        }
        Path file = failures.file();
        Path target = file != null ? file : saveAs.apply(stage, "rules.txt");
        if (target == null) {
            return;
        }
        saveButton.setDisable(true);
        background.execute(() -> {
            String outcome;
            try {
                failures.saveTo(target);
                outcome = "Saved the rules to " + target;
            } catch (IOException | RuntimeException e) {
                outcome = "Could not save the rules to " + target + ": " + e.getMessage();
            }
            String shown = Printable.escape(outcome);
            Platform.runLater(() -> {
                saveButton.setDisable(false);
                message.accept(shown);
                stateLabel.setText(shown);
                refresh();
            });
        });
    }

    @FXML
    void close() {
        stage.hide();
    }

    /** Shows why the text does not parse, and selects the line it names. */
    private void showError(RulesException e) {
        errorLabel.setText(e.getMessage());
        errorLabel.setVisible(true);
        errorLabel.setManaged(true);
        String text = editor.getText();
        int start = 0;
        for (int line = 1; line < e.line() && start >= 0; line++) {
            start = text.indexOf('\n', start);
            start = start < 0 ? -1 : start + 1;
        }
        if (e.line() > 0 && start >= 0) {
            int end = text.indexOf('\n', start);
            editor.selectRange(start, end < 0 ? text.length() : end);
        }
    }

    private void hideError() {
        errorLabel.setText("");
        errorLabel.setVisible(false);
        errorLabel.setManaged(false);
    }

    /** A rule as the table shows it; switching it on or off switches the rule in force. */
    final class RuleRow {
        final String name;
        final String summary;
        final BooleanProperty enabled = new SimpleBooleanProperty();
        final LongProperty applied = new SimpleLongProperty();

        RuleRow(RuleStatus status) {
            this.name = status.name();
            this.summary = Printable.escape(status.summary());
            enabled.set(status.enabled());
            applied.set(status.applied());
            enabled.addListener((o, was, on) -> {
                if (!updating) {
                    failures.setEnabled(name, on);
                    message.accept("Rule \"" + Printable.escape(name) + "\" switched " + (on ? "on" : "off"));
                }
            });
        }
    }
}
