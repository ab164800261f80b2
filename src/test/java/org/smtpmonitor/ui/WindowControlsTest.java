package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/** The window's controls: copy, save, open folder, resizing, keyboard. */
class WindowControlsTest extends WindowTestBase {

    @Test
    void selectedLinesAreCopiedAndTheTranscriptIsSavedAsText() throws Exception {
        Path saved = directory.resolve("saved transcript.txt");
        app.launch(app.settings(MailboxFormat.RAW), app.usersFile("users.txt", "alice@example.com"),
                owner -> org.junit.jupiter.api.Assertions.fail("no users file chooser expected"), owner -> saved);
        await("the main window opens", () -> app.launcher.window() != null && app.stage.isShowing());
        sendSessionWithErrors();
        clickRow("#sessionsTable", "1");
        await("the transcript is complete", () -> shownTranscriptSize() > 20);
        clickOn("#filterField").write("S: 5");
        await("the filter applies", () -> shownTranscriptSize() == 2);
        List<String> filtered = shownTranscript();
        fx(() -> {
            transcript().getSelectionModel().selectRange(0, 2);
            return null;
        });
        clickOn("#copyButton");
        String copied = fx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString());
        List<String> copiedLines = copied.lines().map(line -> line.substring(13)).toList();
        assertEquals(filtered.subList(0, 2), copiedLines, "the selected lines, as shown");
        await("the status bar says so", () -> lookup("#messageLabel").queryAs(Label.class).getText().equals("Copied 2 lines"));

        clickOn("#saveButton");
        await("the status bar says it is saved", () -> lookup("#messageLabel").queryAs(Label.class).getText()
                .startsWith("Saved "));
        List<String> lines = Files.readAllLines(saved, StandardCharsets.UTF_8);
        assertTrue(lines.get(0).startsWith("# smtp-monitor session 1 from 127.0.0.1:"), lines.get(0));
        List<String> body = lines.subList(1, lines.size()).stream().map(line -> line.substring(13)).toList();
        assertTrue(body.size() > 20, "the whole transcript, not only the filtered lines: " + body);
        assertEquals("S: 550 Address unknown", body.get(body.indexOf("C: RCPT TO:<nobody@example.com>") + 1));
        assertEquals("-- Closed (quit)", body.get(body.size() - 1));
    }

    @Test
    void openMailboxFolderSaysWhereItIsWhenTheDesktopCannotOpenIt() throws Exception {
        open(MailboxFormat.RAW);
        clickOn("#openFolderButton");
        // The tests run with java.awt.headless=true: no desktop to open folders with.
        await("the status bar names the folder", () -> lookup("#messageLabel").queryAs(Label.class).getText()
                .equals("Opening folders is not supported here; the mailboxes are in " + directory.resolve("mail")));
        assertTrue(fx(() -> app.stage.isShowing()));
    }

    @Test
    void splitPanesKeepTheirProportionsWhenTheWindowIsResized() throws Exception {
        open(MailboxFormat.RAW);
        javafx.scene.control.SplitPane columns = lookup("#columns").queryAs(javafx.scene.control.SplitPane.class);
        double before = fx(() -> columns.getDividers().get(0).getPosition());
        double leftBefore = fx(() -> columns.getItems().get(0).getBoundsInParent().getWidth());
        fx(() -> {
            app.stage.setWidth(900);
            app.stage.setHeight(600);
            return null;
        });
        await("the window is smaller", () -> app.stage.getScene().getWidth() <= 900);
        fx(() -> {
            app.stage.getScene().getRoot().layout();
            return null;
        });
        assertEquals(before, fx(() -> columns.getDividers().get(0).getPosition()), 0.02, "about the same proportion");
        double leftAfter = fx(() -> columns.getItems().get(0).getBoundsInParent().getWidth());
        assertTrue(leftAfter < leftBefore * 0.8, "the left column shrank with the window: " + leftBefore + " -> " + leftAfter);
    }

    @Test
    void keyboardMovesBetweenPanesAndTogglesFollow() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        await("the session is listed", () -> Views.rows(table("#sessionsTable")).size() == 1);
        press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
        await("the sessions table has focus", () -> table("#sessionsTable").isFocused());
        await("the newest session is selected and its transcript shown", () -> shownTranscriptSize() > 20);
        press(KeyCode.CONTROL, KeyCode.E).release(KeyCode.E, KeyCode.CONTROL);
        await("follow is off", () -> !lookup("#followToggle").queryAs(javafx.scene.control.ToggleButton.class).isSelected());
        press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        await("the filter has focus", () -> lookup("#filterField").query().isFocused());
        press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
        await("the mailboxes table has focus, on its first row", () -> table("#mailboxesTable").isFocused()
                && lookup("#previewStatus").queryAs(Label.class).getText().startsWith("alice@example.com: 1 message,"));
        press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
        await("the transcript has focus", () -> transcript().isFocused());
    }

    @Test
    void aMessageReachedFromTheKeyboardShowsItsSource() throws Exception {
        open(MailboxFormat.RAW);
        try (org.smtpmonitor.testing.RawSmtpClient client = org.smtpmonitor.testing.RawSmtpClient.connectGreeted(
                app.serverAddress())) {
            client.command("HELO tester");
            client.mail("me@test.org", "alice@example.com", "Subject: by keyboard\n\nhello");
            client.command("QUIT");
        }
        await("alice counts it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        press(KeyCode.CONTROL, KeyCode.DIGIT3).release(KeyCode.DIGIT3, KeyCode.CONTROL);
        await("alice's message is listed", () -> Views.rows(table("#messagesTable")).size() == 1);
        press(KeyCode.CONTROL, KeyCode.DIGIT4).release(KeyCode.DIGIT4, KeyCode.CONTROL);
        Inspector inspector = new Inspector(this);
        inspector.awaitSubject("by keyboard");
        await("the first message is selected and its text shown", () -> inspector.text().equals("hello\n"),
                inspector::text);
    }
}
