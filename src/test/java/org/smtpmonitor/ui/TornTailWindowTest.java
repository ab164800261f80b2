package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.control.Label;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/** A message cut short by a crash, found at start, is told in the window's status line. */
class TornTailWindowTest extends WindowTestBase {

    @Test
    void aTornTailRepairedAtStartShowsAsAnErrorWithItsReason() throws Exception {
        Path mail = Files.createDirectories(directory.resolve("mail"));
        Files.writeString(mail.resolve("alice@example.com.txt"),
                "From a@b.c Mon Jan  1 00:00:00 2024\nSubject: whole\n\nbody\n\nFrom a@b.c Mon Jan  1 00:00:01 2024\nSubj",
                StandardCharsets.ISO_8859_1);
        open(MailboxFormat.MBOX);
        await("the error count shows the repair", () -> "I/O errors: 1".equals(lookup("#ioErrorsLabel").queryAs(Label.class).getText()));
        String reason = fx(() -> lookup("#ioErrorsLabel").queryAs(Label.class).getTooltip().getText());
        assertTrue(reason.contains("alice@example.com.txt") && reason.contains("cut short")
                && reason.contains("alice@example.com.txt.torn"), reason);
    }
}
