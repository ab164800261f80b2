package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.InspectorMail.ALICE;
import static org.smtpmonitor.ui.InspectorMail.SENDER;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.Charset;
import java.util.List;

import javafx.scene.control.ComboBox;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/**
 * The inspector's text tab over real mail: transfer encodings undone, charsets decoded (and
 * chosen by hand for a mislabelled message), text read out of an HTML-only message, and the
 * HTML tab made only when it is first shown.
 */
class InspectorTextWindowTest extends WindowTestBase {

    private InspectorMail mail;
    private Inspector inspector;

    @BeforeEach
    void openWindow() throws Exception {
        open(MailboxFormat.RAW);
        mail = new InspectorMail(app.serverAddress());
        inspector = new Inspector(this);
    }

    /** Selects alice's mailbox, then her message with this subject, and waits for the inspector to show it. */
    private void select(String subject) throws Exception {
        if (fx(() -> table("#mailboxesTable").getSelectionModel().getSelectedIndex()) != 0) {
            clickRow("#mailboxesTable", ALICE);
        }
        clickRowWith("#messagesTable", subject);
        inspector.awaitSubject(subject);
    }

    private void awaitText(String text) throws Exception {
        await("the text tab shows " + text, () -> inspector.text().equals(text), inspector::text);
    }

    private String note() {
        return inspector.label("#textNote");
    }

    @Test
    void quotedPrintableAndBase64BodiesAreDecodedInTheTextTab() throws Exception {
        MimeMessage alternative = mail.message("QP body", ALICE);
        alternative.setContent(InspectorMail.multipart("alternative",
                InspectorMail.text("Caf\u00e9 na\u00efve \u2014 r\u00e9sum\u00e9", "UTF-8", "quoted-printable"),
                InspectorMail.html("<p>Caf\u00e9</p>", "base64")));
        InspectorMail.send(alternative);
        MimeMessage base64 = mail.message("Base64 body", ALICE);
        base64.setText("Gr\u00fc\u00dfe, base64\nzweite Zeile", "UTF-8");
        base64.setHeader("Content-Transfer-Encoding", "base64");
        InspectorMail.send(base64);
        await("alice has both", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("2"));

        select("QP body");
        awaitText("Caf\u00e9 na\u00efve \u2014 r\u00e9sum\u00e9");
        assertEquals("The text part 1.1, quoted-printable, UTF-8 as declared", fx(this::note));
        assertEquals("textTab", fx(() -> inspector.selectedTab().getId()), "text and HTML: the text tab");
        assertFalse(fx(() -> inspector.tab("htmlTab").isDisable()));
        inspector.open("sourceTab");
        assertTrue(inspector.allSourceRows().contains("Caf=C3=A9 na=C3=AFve =E2=80=94 r=C3=A9sum=C3=A9"),
                "the source shows the body as sent");

        inspector.open("textTab");
        select("Base64 body");
        awaitText("Gr\u00fc\u00dfe, base64\nzweite Zeile");
        assertEquals("The text part 1, base64, UTF-8 as declared", fx(this::note));
        assertTrue(fx(() -> inspector.tab("htmlTab").isDisable()), "no HTML part: no HTML tab");
    }

    @Test
    void latinAndCyrillicTextIsDecodedAndAMislabelledOneReadsRightOnceItsCharsetIsChosen() throws Exception {
        MimeMessage latin = mail.message("Latin", ALICE);
        latin.setText("Gr\u00fc\u00dfe aus K\u00f6ln, caf\u00e9", "ISO-8859-1");
        latin.setHeader("Content-Transfer-Encoding", "quoted-printable");
        InspectorMail.send(latin);
        MimeMessage cyrillic = mail.message("Cyrillic", ALICE);
        cyrillic.setText("\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440", "windows-1251");
        cyrillic.setHeader("Content-Transfer-Encoding", "base64");
        InspectorMail.send(cyrillic);
        // windows-1251 bytes, labelled ISO-8859-1 and sent as 8-bit text: as much mail from old systems is.
        mail.sendRaw(directory, SENDER, List.of(ALICE), InspectorMail.crlf("From: " + SENDER
                + "\nSubject: Mislabelled\nMIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-8859-1\n"
                + "Content-Transfer-Encoding: 8bit\n\n\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440\n",
                Charset.forName("windows-1251")));
        await("alice has all three", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("3"));

        select("Latin");
        // The line end SMTP adds after the last line is part of a single part's body.
        awaitText("Gr\u00fc\u00dfe aus K\u00f6ln, caf\u00e9\n");
        assertEquals("The text part 1, quoted-printable, ISO-8859-1 as declared", fx(this::note));
        select("Cyrillic");
        awaitText("\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440");
        assertEquals("The text part 1, base64, windows-1251 as declared", fx(this::note));

        select("Mislabelled");
        awaitText("\u00cf\u00f0\u00e8\u00e2\u00e5\u00f2, \u00ec\u00e8\u00f0\n");
        clickOn("#charsetBox");
        clickOn("windows-1251");
        awaitText("\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440\n");
        assertEquals("The text part 1, 8bit, windows-1251 as chosen", fx(this::note));

        select("Latin");
        awaitText("Gr\u00fc\u00dfe aus K\u00f6ln, caf\u00e9\n");
        assertEquals(MessageViewModel.AUTO, fx(() -> lookup("#charsetBox").queryAs(ComboBox.class).getValue()),
                "the next message is read as it declares itself");
    }

    private static String clipboard() {
        try {
            return fx(() -> Clipboard.getSystemClipboard().getString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Source rows are selected as in any list and copied with Ctrl+C, as the message has them. */
    @Test
    void selectedSourceRowsAreCopiedWithCtrlC() throws Exception {
        MimeMessage message = mail.message("Copy me", ALICE);
        message.setText("first line\nsecond line\n", "UTF-8");
        InspectorMail.send(message);
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        select("Copy me");
        inspector.open("sourceTab");
        List<String> rows = inspector.allSourceRows();
        int subject = rows.indexOf("Subject: Copy me");
        assertTrue(subject > 0, rows.toString());
        fx(() -> {
            inspector.sourceList().getSelectionModel().selectRange(subject - 1, subject + 2);
            inspector.sourceList().requestFocus();
            return null;
        });
        press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        String expected = String.join("\n", rows.subList(subject - 1, subject + 2));
        await("the rows are on the clipboard", () -> expected.equals(clipboard()), InspectorTextWindowTest::clipboard);
        await("the status bar says so", () -> lookup("#messageLabel").queryAs(Label.class).getText()
                .equals("Copied 3 rows of the source"));

        // Ctrl+C still copies the transcript where it has the focus (the source list's menu must not take it).
        clickRow("#sessionsTable", "1");
        @SuppressWarnings("unchecked")
        ListView<Object> transcript = lookup("#transcriptList").queryAs(ListView.class);
        await("the transcript is shown", () -> transcript.getItems().size() > 3);
        fx(() -> {
            transcript.getSelectionModel().selectAll();
            transcript.requestFocus();
            return null;
        });
        press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        await("the transcript's line is on the clipboard", () -> clipboard().contains("S: 220 "),
                InspectorTextWindowTest::clipboard);
    }

    @Test
    void aLongTextIsShownAsWrappedRowsDownToItsLastLine() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 600; i++) {
            text.append("line ").append(i).append(' ').append("word ".repeat(48)).append("end\n");
        }
        MimeMessage message = mail.message("Long text", ALICE);
        message.setText(text.toString(), "UTF-8");
        InspectorMail.send(message);
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        select("Long text");

        @SuppressWarnings("unchecked")
        ListView<String> rows = lookup("#textList").queryAs(ListView.class);
        await("shown as rows, not in a text area", () -> rows.isVisible() && !lookup("#textArea").query().isVisible());
        // Each line of 253 characters is two rows, broken after a word; the message's last line end is a last, empty row.
        assertEquals(1_201, fx(() -> rows.getItems().size()));
        assertEquals("line 1 " + "word ".repeat(30), fx(() -> rows.getItems().get(0)));
        assertEquals("word ".repeat(18) + "end", fx(() -> rows.getItems().get(1)));
        clickOn(rows);
        type(KeyCode.END);
        await("the last line is shown", () -> Views.cells(rows).stream().anyMatch(cell -> ("word ".repeat(18) + "end")
                .equals(cell.getText()) && ((IndexedCell<?>) cell).getIndex() == 1_199));
    }

    @Test
    void anHtmlOnlyMessageOpensOnItsHtmlTabWhichIsMadeThenAndItsTextIsReadOutOfTheHtml() throws Exception {
        MimeMessage html = mail.message("HTML only", ALICE);
        html.setText("<html><head><title>T</title><style>p{color:red}</style><script>alert(1)</script></head>"
                + "<body><h1>Order&nbsp;shipped</h1><p>Your <b>parcel</b>\n is on its way.</p>"
                + "<ul><li>one</li><li>two</li></ul><p><a href=\"https://shop.test/track\">Track it</a></p>"
                + "</body></html>", "UTF-8", "html");
        InspectorMail.send(html);
        MimeMessage plain = mail.message("Plain first", ALICE);
        plain.setText("no HTML here");
        InspectorMail.send(plain);
        await("alice has both", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("2"));
        assertNull(fx(() -> lookup("#messageTabs").tryQuery().orElse(null)), "no tabs until a message is shown:"
                + " the window starts without them");
        assertEquals(MessageViewModel.NOTHING_SELECTED, fx(() -> inspector.label("#messageState")));

        select("Plain first");
        assertNull(fx(() -> lookup(".web-view").tryQuery().orElse(null)), "no WebView before it is wanted");
        select("HTML only");
        await("only HTML: the HTML tab is selected", () -> "htmlTab".equals(inspector.selectedTab().getId()));
        await("its pane is made and shown", () -> lookup(".web-view").tryQuery().isPresent()
                && lookup(".web-view").query().isVisible());

        inspector.open("textTab");
        awaitText("Order\u00a0shipped\n\nYour parcel is on its way.\n\n\u2022 one\n\u2022 two\n\n"
                + "Track it <https://shop.test/track>");
        assertEquals("Text of the HTML part 1, 7bit, UTF-8 as declared", fx(this::note));
    }
}
