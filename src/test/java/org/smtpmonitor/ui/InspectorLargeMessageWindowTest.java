package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.InspectorMail.ALICE;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/** A 25 MB message in the inspector: its parts listed, and its source whole, down to its last line. */
class InspectorLargeMessageWindowTest extends WindowTestBase {

    @Test
    void aTwentyFiveMegabyteMessageListsItsPartsAndShowsItsSourceToTheLastLine() throws Exception {
        open(MailboxFormat.RAW);
        InspectorMail mail = new InspectorMail(app.serverAddress());
        InspectorMail.send(mail.large("Large", 25, 10));
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        byte[] stored = Files.readAllBytes(directory.resolve("mail").resolve(ALICE + ".txt"));
        assertTrue(stored.length > 24_000_000, "stored " + stored.length + " bytes");
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        String[] lines = text.substring(0, text.length() - 2).split("\r\n", -1);
        String lastLine = lines[lines.length - 1];

        clickRow("#mailboxesTable", ALICE);
        clickRowWith("#messagesTable", "Large");
        Inspector inspector = new Inspector(this);
        inspector.awaitSubject("Large");
        inspector.open("partsTab");
        List<String> parts = new ArrayList<>(List.of("1 multipart/mixed", "1.1 multipart/alternative",
                "1.1.1 text/plain", "1.1.2 text/html"));
        for (int i = 2; i <= 11; i++) {
            parts.add("1." + i + " application/octet-stream");
        }
        assertEquals(parts, fx(inspector::partList));
        inspector.open("attachmentsTab");
        assertEquals(10, fx(() -> inspector.attachments().getItems().size()));

        inspector.open("sourceTab");
        assertEquals(lines.length, fx(() -> inspector.sourceList().getItems().size()), "one row per line, none cut");
        clickOn(inspector.sourceList());
        type(KeyCode.END);
        await("the last line is shown", () -> {
            List<String> rows = inspector.sourceRows();
            return !rows.isEmpty() && rows.get(rows.size() - 1).equals(lastLine);
        }, inspector::sourceRows);
        assertTrue(lastLine.startsWith("------=_Part_") && lastLine.endsWith("--"), lastLine);
    }
}
