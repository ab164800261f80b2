package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.InspectorMail.ALICE;
import static org.smtpmonitor.ui.InspectorMail.BOB;
import static org.smtpmonitor.ui.InspectorMail.SENDER;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import javafx.scene.Node;
import javafx.scene.control.Labeled;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/** The inspector's envelope, headers and parts over real mail, a malformed message included. */
class InspectorHeadersWindowTest extends WindowTestBase {

    private InspectorMail mail;
    private Inspector inspector;

    @BeforeEach
    void openWindow() throws Exception {
        open(MailboxFormat.RAW);
        mail = new InspectorMail(app.serverAddress());
        inspector = new Inspector(this);
    }

    private void select(String mailbox, String subject) throws Exception {
        clickRow("#mailboxesTable", mailbox);
        clickRowWith("#messagesTable", subject);
        inspector.awaitSubject(subject);
    }

    /** The names of the header fields of the first message in a raw mailbox file, in order. */
    private List<String> storedFieldNames(String mailbox) throws Exception {
        List<String> names = new ArrayList<>();
        for (String line : Files.readString(directory.resolve("mail").resolve(mailbox + ".txt"),
                StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (!line.startsWith(" ") && !line.startsWith("\t")) {
                names.add(line.substring(0, line.indexOf(':')));
            }
        }
        return names;
    }

    @Test
    void theHeadersTabListsEveryFieldInOrderDecodedAndRawOnDemand() throws Exception {
        String subject = "Gr\u00fc\u00dfe aus K\u00f6ln \u2615";
        MimeMessage message = mail.message(subject, ALICE);
        message.setText("hello");
        InspectorMail.send(message);
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        select(ALICE, subject);
        inspector.open("headersTab");

        List<String> names = storedFieldNames(ALICE);
        // The table scrolls: its items are what it shows as it does.
        await("every field, in order", () -> inspector.headers().getItems().stream().map(Inspected.HeaderRow::name)
                .toList().equals(names), () -> inspector.headers().getItems());
        assertEquals(List.of("Subject", subject), fx(() -> Views.rows(inspector.headers()).get(names.indexOf("Subject"))),
                "decoded (RFC 2047)");

        clickOn("#rawHeadersToggle");
        await("the raw form: the encoded words as sent", () -> Views.rows(inspector.headers())
                .get(names.indexOf("Subject")).get(1).startsWith("=?UTF-8?"), () -> Views.rows(inspector.headers()));
        String raw = fx(() -> Views.rows(inspector.headers()).get(names.indexOf("Subject")).get(1));
        assertTrue(raw.contains("?=") && !raw.contains("K\u00f6ln"), raw);
        clickOn("#rawHeadersToggle");
        await("decoded again", () -> Views.rows(inspector.headers()).get(names.indexOf("Subject")).get(1)
                .equals(subject));
    }

    @Test
    void theEnvelopeOfACopyDeliveredByCcNamesEveryRecipientAndLeadsToItsSession() throws Exception {
        MimeMessage message = mail.message("For both", ALICE);
        message.addRecipient(Message.RecipientType.CC, new InternetAddress(BOB));
        message.setText("hello both");
        InspectorMail.send(message);
        await("both have it", () -> Views.rows(table("#mailboxesTable")).stream().map(r -> r.get(1)).toList()
                .equals(List.of("1", "1")));

        select(BOB, "For both");
        assertEquals("<" + SENDER + ">", inspector.label("#envelopeFrom"));
        assertEquals(ALICE + ", " + BOB + " (this mailbox)", inspector.label("#envelopeTo"),
                "every RCPT TO, bob's own marked: the To header names only alice");
        assertEquals(BOB, inspector.label("#envelopeMailbox"));
        assertEquals("client.test", inspector.label("#envelopeHelo"));
        assertTrue(inspector.label("#envelopeClient").startsWith("127.0.0.1"), inspector.label("#envelopeClient"));
        assertTrue(inspector.label("#envelopeReceived").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d .+"),
                inspector.label("#envelopeReceived"));
        String queueId = inspector.label("#envelopeQueueId");
        assertFalse(queueId.isEmpty() || queueId.equals("(not known)"), queueId);

        String session = fx(() -> Views.rows(table("#sessionsTable")).get(0).get(0));
        clickOn("#showSessionButton");
        await("the session that delivered it is selected", () -> {
            Object selected = table("#sessionsTable").getSelectionModel().getSelectedItem();
            return selected instanceof SessionRow row && String.valueOf(row.id()).equals(session);
        });

        select(ALICE, "For both");
        assertEquals(ALICE + " (this mailbox), " + BOB, inspector.label("#envelopeTo"));
        assertEquals(queueId, inspector.label("#envelopeQueueId"), "one transaction, one queue id");
        long alicesCopy = fx(() -> ((MessageSummary) table("#messagesTable").getSelectionModel().getSelectedItem()).id());

        select(BOB, "For both");
        fx(() -> {
            app.launcher.window().messageView().showMessage(alicesCopy); // as a delivery line in a transcript will
            return null;
        });
        await("a message shown by its id from outside", () -> inspector.label("#envelopeMailbox").equals(ALICE));
    }

    @Test
    void aMalformedMessageShowsWhatCouldBeReadAndTheParsersNotesNeverAnException() throws Exception {
        mail.sendRaw(directory, SENDER, List.of(ALICE), InspectorMail.crlf("""
                From: ann@test.org
                Subject: Broken
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: text/plain; charset=UTF-8

                Hello despite it all
                --b1
                Content-Type: application/pdf; name="x.pdf"
                Content-Transfer-Encoding: base64

                JVBERi0x@@@LjQK!!
                """));
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        select(ALICE, "Broken");

        String notes = inspector.label("#notesLabel");
        assertTrue(lookup("#notesLabel").query().isVisible());
        assertTrue(notes.startsWith("Not well-formed MIME; what could be read is shown."), notes);
        assertTrue(notes.contains("part 1: the multipart ends without its closing boundary"), notes);
        assertTrue(notes.contains("part 1.2: bytes that are not base64 were skipped"), notes);
        await("the text that could be read", () -> inspector.text().equals("Hello despite it all"), inspector::text);
        inspector.open("partsTab");
        assertEquals(List.of("1 multipart/mixed", "1.1 text/plain", "1.2 application/pdf"), fx(inspector::partList));
        inspector.open("attachmentsTab");
        assertEquals(List.of("x.pdf"), fx(() -> Views.rows(inspector.attachments()).stream().map(r -> r.get(0))
                .toList()));
        assertFalse(fx(() -> shownTexts().stream().anyMatch(t -> t.contains("Exception") || t.contains("\tat "))),
                "no exception text anywhere");
    }

    /** The texts of every label and cell in the window. */
    private List<String> shownTexts() {
        List<String> texts = new ArrayList<>();
        for (Node node : lookup(".labeled").queryAll()) {
            if (node instanceof Labeled labeled && labeled.getText() != null) {
                texts.add(labeled.getText());
            }
        }
        texts.add(inspector.text());
        return texts;
    }
}
