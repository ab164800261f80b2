package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.ScriptedFailures;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.RuleStatus;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The scripted failure rules as the user works them, with a real server and a real client:
 * the window lists the rules of {@code --rules} with their switches; a rule applied to a
 * session shows in its count, the status bar and the transcript; switching a rule on takes
 * effect at the next command; a text that does not parse is refused naming the line and
 * changes nothing; a good one is put in force and saved to the file.
 */
class RulesWindowTest extends WindowTestBase {

    private static final String RULES = String.join("\n",
            "# the second RCPT of a session is refused for now",
            "[rcpt-452]",
            "on = rcpt",
            "nth = 2",
            "reply = 452 4.5.3 Too many recipients",
            "",
            "[bounce-bob]",
            "on = rcpt",
            "address = bob@*",
            "reply = 550 5.1.1 No such user here",
            "enabled = no",
            "");

    private MainWindow window;
    private Path rulesFile;

    private void openWithRules() throws Exception {
        rulesFile = directory.resolve("rules.txt");
        Files.writeString(rulesFile, RULES);
        window = app.open(app.settings(MailboxFormat.RAW).withRulesFile(rulesFile),
                app.usersFile("users.txt", "alice@example.com", "bob@example.com"));
        clickOn("#rulesButton");
        await("the rules window", () -> window.rulesWindow() != null && window.rulesWindow().stage().isShowing());
    }

    @SuppressWarnings("unchecked")
    private TableView<RulesWindow.RuleRow> rulesTable() {
        return window.rulesWindow().rulesTable;
    }

    /** The rules listed: name, on or off, times applied. */
    private List<String> listed() throws Exception {
        return fx(this::listedNow);
    }

    /** As {@link #listed()}, on the FX thread already. */
    private List<String> listedNow() {
        return rulesTable().getItems().stream()
                .map(row -> row.name + " " + (row.enabled.get() ? "on" : "off") + " " + row.applied.get()).toList();
    }

    /** A label's text, on the FX thread already. */
    private String labelNow(String id) {
        return lookup(id).queryAs(Label.class).getText();
    }

    private String fileText() {
        try {
            return Files.readString(rulesFile, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    /** The transcript as shown, without the times, on the FX thread already. */
    private List<String> shownNow() {
        return transcript().getItems().stream().map(line -> line.formatted().substring(13)).toList();
    }

    private ScriptedFailures failures() {
        return window.monitor().rules();
    }

    @Test
    void aRuleAppliedShowsInItsCountTheStatusBarAndTheTranscript() throws Exception {
        openWithRules();
        assertEquals(List.of("rcpt-452 on 0", "bounce-bob off 0"), listed());
        assertEquals(rulesFile.toString(), fx(() -> window.rulesWindow().fileLabel.getText()));
        assertFalse(fx(() -> lookup("#rulesAppliedLabel").queryAs(Label.class).isVisible()), "no rule applied yet");

        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.command("MAIL FROM:<me@test.org>");
            assertEquals("250 OK", client.command("RCPT TO:<alice@example.com>"));
            assertEquals("452 4.5.3 Too many recipients", client.command("RCPT TO:<bob@example.com>"));
            assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"), "nth = 2: the third is served");
            client.command("QUIT");
        }
        await("the count of rcpt-452", () -> listedNow().equals(List.of("rcpt-452 on 1", "bounce-bob off 0")), this::listed);
        await("the status bar", () -> labelNow("#rulesAppliedLabel").equals("Rules applied: 1"));
        assertTrue(fx(() -> lookup("#rulesAppliedLabel").queryAs(Label.class).isVisible()));
        clickOn(fx(() -> window.rulesWindow().stage().getScene().lookup("#closeButton")));
        await("the rules window closed", () -> !window.rulesWindow().stage().isShowing());
        clickRow("#sessionsTable", "1");
        await("the rule in the transcript", () -> shownNow().contains("-- rule \"rcpt-452\" applied: reply 452"),
                this::shownNow);
        List<String> lines = shownTranscript();
        assertEquals(lines.indexOf("C: RCPT TO:<bob@example.com>") + 1, lines.indexOf("-- rule \"rcpt-452\" applied: reply 452"),
                String.join("\n", lines));
    }

    @Test
    void switchingARuleOnTakesEffectAtTheNextCommandAndShowsInTheText() throws Exception {
        openWithRules();
        TableRow<?> bob = fx(() -> Views.rowWith(rulesTable(), "bounce-bob"));
        Node box = fx(() -> bob.lookup(".check-box"));
        clickOn(box);
        await("bounce-bob switched on", () -> failures().statuses().stream()
                .filter(s -> s.name().equals("bounce-bob")).allMatch(RuleStatus::enabled));
        await("the text says so", () -> editor().getText().contains("enabled = yes"), () -> editor().getText());
        assertEquals("Rule \"bounce-bob\" switched on", label("#messageLabel"));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.command("MAIL FROM:<me@test.org>");
            assertEquals("550 5.1.1 No such user here", client.command("RCPT TO:<bob@example.com>"));
        }
        clickOn(fx(() -> bob.lookup(".check-box")));
        await("bounce-bob switched off", () -> failures().statuses().stream()
                .filter(s -> s.name().equals("bounce-bob")).noneMatch(RuleStatus::enabled));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.command("MAIL FROM:<me@test.org>");
            assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"));
        }
    }

    private TextArea editor() {
        return window.rulesWindow().editor;
    }

    private void replaceText(String text) throws Exception {
        fx(() -> {
            editor().setText(text);
            return null;
        });
    }

    @Test
    void aTextThatDoesNotParseIsRefusedNamingTheLineAndAGoodOneIsAppliedAndSaved() throws Exception {
        openWithRules();
        replaceText("[slow-helo]\non = helo\ndealy = 2000\n");
        assertEquals("Edited: Apply to put in force", fx(() -> window.rulesWindow().stateLabel.getText()));
        clickOn(window.rulesWindow().applyButton);
        await("the error", () -> window.rulesWindow().errorLabel.isVisible());
        String error = fx(() -> window.rulesWindow().errorLabel.getText());
        assertTrue(error.startsWith("rules.txt:3: "), error);
        assertTrue(error.contains("dealy"), error);
        assertEquals("dealy = 2000", fx(() -> editor().getSelectedText()), "the line named is selected");
        assertEquals(List.of("rcpt-452 on 0", "bounce-bob off 0"), listed(), "the rules in force are kept");
        assertEquals(RULES, Files.readString(rulesFile), "and the file is untouched");

        String good = "[slow-helo]\non = helo\ndelay = 20\n";
        replaceText(good);
        clickOn(editor());
        press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        await("the new rules in force", () -> listedNow().equals(List.of("slow-helo on 0")), this::listed);
        assertFalse(fx(() -> window.rulesWindow().errorLabel.isVisible()));
        assertEquals("In force", fx(() -> window.rulesWindow().stateLabel.getText()));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            assertTrue(client.command("EHLO tester").startsWith("250"));
            assertEquals("250 OK", client.command("MAIL FROM:<me@test.org>"));
            assertEquals("250 OK", client.command("RCPT TO:<bob@example.com>"), "the RCPT rules are gone");
        }
        await("slow-helo applied", () -> listedNow().equals(List.of("slow-helo on 1")), this::listed);

        clickOn(window.rulesWindow().saveButton);
        await("saved", () -> fileText().equals(good));
        await("the status bar says so", () -> labelNow("#messageLabel").equals("Saved the rules to " + rulesFile));
    }

    @Test
    void revertDropsTheEditsAndShowsTheRulesInForce() throws Exception {
        openWithRules();
        replaceText("# nothing\n");
        clickOn(window.rulesWindow().revertButton);
        assertEquals(RULES, fx(() -> editor().getText()));
        assertEquals("In force", fx(() -> window.rulesWindow().stateLabel.getText()));
        assertTrue(fx(() -> window.rulesWindow().revertButton.isDisabled()));
    }
}
