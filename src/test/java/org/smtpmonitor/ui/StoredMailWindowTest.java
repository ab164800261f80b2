package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import javafx.scene.control.DialogPane;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * What the window does with stored mail, over real sockets and files: search, delete,
 * clear, export, and a mailbox too large to list at once.
 */
class StoredMailWindowTest extends WindowTestBase {

    static final String ALICE = "alice@example.com";
    static final String BOB = "bob@example.com";

    private void deliver(String recipient, String sender, String subject, String body) throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.mail(sender, recipient, "From: " + sender + "\nSubject: " + subject + "\n\n" + body);
            client.command("QUIT");
        }
    }

    /** The subjects of the rendered message rows, top to bottom. */
    private List<String> subjects() {
        return Views.rows(table("#messagesTable")).stream().map(row -> row.get(3)).toList();
    }

    private List<String> counts() {
        return Views.rows(table("#mailboxesTable")).stream().map(row -> row.get(1)).toList();
    }

    private String status() {
        return lookup("#messageLabel").queryAs(javafx.scene.control.Label.class).getText();
    }

    private String listStatus() {
        return lookup("#previewStatus").queryAs(javafx.scene.control.Label.class).getText();
    }

    @Test
    void searchFindsMessagesInAllMailboxesOrTheSelectedOneAndAMalformedQuerySaysWhy() throws Exception {
        open(MailboxFormat.RAW);
        deliver(ALICE, "ann@test.org", "Lunch on Friday", "see you at noon");
        deliver(ALICE, "bill@test.org", "Invoice 42", "please pay");
        deliver(BOB, "carol@test.org", "Lunch plans", "pizza?");
        await("every message is counted", () -> counts().equals(List.of("2", "1")));

        clickOn("#searchField").write("lunch");
        await("no mailbox is selected: the search covers them all, newest first",
                () -> subjects().equals(List.of("Lunch plans", "Lunch on Friday")), this::subjects);
        assertEquals("2 found for \u201clunch\u201d in all mailboxes", label("#previewStatus"));

        clickRow("#mailboxesTable", ALICE);
        await("the search covers the selected mailbox", () -> subjects().equals(List.of("Lunch on Friday")),
                this::subjects);
        assertEquals("1 found for \u201clunch\u201d in alice@example.com", label("#previewStatus"));

        clickOn("#searchField").eraseText(5).write("from:bill@test.org");
        await("a field of the syntax", () -> subjects().equals(List.of("Invoice 42")), this::subjects);

        clickOn("#searchField").eraseText(18).write("after:tomorrow");
        await("a malformed query shows its reason, not a stack trace", () -> listStatus()
                .equals("Search: 'after:tomorrow': the date must be written YYYY-MM-DD"), this::listStatus);
        assertEquals(List.of(), fx(this::subjects));

        clickOn("#searchField").eraseText(14);
        await("an empty box lists the mailbox again", () -> subjects().equals(List.of("Invoice 42", "Lunch on Friday")),
                this::subjects);
        assertTrue(label("#previewStatus").startsWith("alice@example.com: 2 messages, "), label("#previewStatus"));
    }

    /** Waits for the delete branch: on main, MailboxStore.delete throws "not available yet". */
    @Test
    void deleteKeyDeletesTheSelectedMessagesFromTheMailboxFileAndTheList() throws Exception {
        open(MailboxFormat.MBOX);
        deliver(ALICE, "s1@test.org", "one", "first");
        deliver(ALICE, "s2@test.org", "two", "second");
        deliver(ALICE, "s3@test.org", "three", "third");
        await("alice has 3", () -> counts().get(0).equals("3"));
        clickRow("#mailboxesTable", ALICE);
        clickRowWith("#messagesTable", "two");
        type(KeyCode.DELETE);
        await("the status bar says so", () -> status().equals("Deleted 1 message"), this::status);
        await("the list and the count follow", () -> subjects().equals(List.of("three", "one"))
                && counts().get(0).equals("2"), this::subjects);
        String file = Files.readString(directory.resolve("mail").resolve(ALICE + ".txt"), StandardCharsets.ISO_8859_1);
        assertTrue(!file.contains("Subject: two") && file.contains("Subject: one") && file.contains("Subject: three"),
                file);

        fx(() -> {
            table("#messagesTable").getSelectionModel().selectAll();
            return null;
        });
        type(KeyCode.DELETE);
        await("both are deleted", () -> status().equals("Deleted 2 messages") && subjects().isEmpty()
                && counts().get(0).equals("0"), this::status);
        assertEquals(0, Files.size(directory.resolve("mail").resolve(ALICE + ".txt")));
    }

    /** The Cancel half runs on main; the clear itself waits for the delete branch (MailboxStore.clear). */
    @Test
    void clearAsksFirstNamingTheMailboxAndItsCountAndCancelKeepsEverything() throws Exception {
        open(MailboxFormat.RAW);
        deliver(ALICE, "s1@test.org", "one", "first");
        deliver(ALICE, "s2@test.org", "two", "second");
        deliver(BOB, "s3@test.org", "for bob", "third");
        await("every message is counted", () -> counts().equals(List.of("2", "1")));
        Path alice = directory.resolve("mail").resolve(ALICE + ".txt");
        byte[] before = Files.readAllBytes(alice);
        clickRow("#mailboxesTable", ALICE);

        clickOn("#clearMailboxButton");
        await("the dialog asks", this::clearDialogShown);
        assertEquals("Clear alice@example.com?", fx(() -> clearDialog().getHeaderText()));
        assertEquals("All 2 messages of alice@example.com will be deleted from its mailbox file. This cannot be undone.",
                fx(() -> clearDialog().getContentText()));
        clickOn("Cancel");
        await("the dialog is gone", () -> !clearDialogShown());
        assertArrayEquals(before, Files.readAllBytes(alice), "Cancel keeps every byte");
        assertEquals(List.of("2", "1"), fx(this::counts));
        assertEquals(List.of("two", "one"), fx(this::subjects));

        press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.DELETE).release(KeyCode.DELETE, KeyCode.SHIFT, KeyCode.CONTROL);
        await("the shortcut asks too", this::clearDialogShown);
        clickOn("Clear mailbox");
        await("the status bar says so", () -> status().equals("Cleared alice@example.com: 2 messages deleted"),
                this::status);
        await("alice's list and count are empty, bob's kept", () -> subjects().isEmpty()
                && counts().equals(List.of("0", "1")), this::counts);
        assertEquals(0, Files.size(alice));
    }

    private DialogPane clearDialog() {
        return lookup("#clear-mailbox").queryAs(DialogPane.class);
    }

    private boolean clearDialogShown() {
        return lookup("#clear-mailbox").tryQuery().isPresent() && clearDialog().getScene().getWindow().isShowing();
    }

    @Test
    void exportWritesAMessageAsSentAndTheMailboxAsMbox() throws Exception {
        open(MailboxFormat.MBOX);
        Path out = Files.createDirectories(directory.resolve("exports"));
        app.exportAnswer = out::resolve;
        // A line of the body an mbox file must quote, one already quoted, 8-bit bytes, a dot-stuffed line.
        String sent = "From: ann@test.org\r\nSubject: quoting\r\n\r\nFrom the start\r\n>From before\r\n"
                + "Gr\u00fc\u00dfe\r\n.\r\n";
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.sendMessage("ann@test.org", List.of(ALICE), sent.replace("\r\n.\r\n", "\r\n..\r\n"));
            client.mail("bill@test.org", ALICE, "From: bill@test.org\nSubject: second\n\nbody");
            client.command("QUIT");
        }
        await("alice has 2", () -> counts().get(0).equals("2"));
        clickRow("#mailboxesTable", ALICE);
        clickRowWith("#messagesTable", "quoting");
        long id = fx(() -> ((MessageSummary) table("#messagesTable").getSelectionModel().getSelectedItem()).id());

        clickOn("#exportMessageButton");
        Path eml = out.resolve("message-" + id + ".eml");
        await("the status bar says where", () -> status().startsWith("Exported message " + id + " to " + eml),
                this::status);
        assertEquals(List.of("message-" + id + ".eml"), app.exportsAsked);
        assertArrayEquals(sent.getBytes(StandardCharsets.ISO_8859_1), Files.readAllBytes(eml),
                "the exact bytes as sent, without the mbox framing and quoting");

        clickOn("#exportMailboxButton");
        Path mbox = out.resolve(ALICE + ".mbox");
        await("the status bar says where", () -> status().startsWith("Exported alice@example.com to " + mbox),
                this::status);
        assertArrayEquals(Files.readAllBytes(directory.resolve("mail").resolve(ALICE + ".txt")), Files.readAllBytes(mbox),
                "every message of an mbox mailbox, as the file holds it");
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "no temporary file is left");
        }
    }

    /** Two pages and a half. */
    private static final int LARGE_MAILBOX = 2 * MessageListViewModel.PAGE + 50;

    /** Opens the window on an mbox mailbox of {@link #LARGE_MAILBOX} messages, its first page listed. */
    private TableView<MessageSummary> openLargeMailbox() throws Exception {
        writeMbox(LARGE_MAILBOX);
        open(MailboxFormat.MBOX);
        await("the count comes from the index", () -> counts().get(0).equals(String.valueOf(LARGE_MAILBOX)));
        clickRow("#mailboxesTable", ALICE);
        @SuppressWarnings("unchecked")
        TableView<MessageSummary> table = (TableView<MessageSummary>) table("#messagesTable");
        await("one page is listed, and a row to load more", () -> table.getItems().size() == MessageListViewModel.PAGE + 1);
        return table;
    }

    @Test
    void aLargeMailboxIsListedAPageAtATimeNewestFirst() throws Exception {
        int messages = LARGE_MAILBOX;
        TableView<MessageSummary> table = openLargeMailbox();
        MessageSummary last = fx(() -> table.getItems().get(MessageListViewModel.PAGE));
        assertEquals(MessageSummary.more("Load more\u2026 (200 of 450 shown)"), last);
        assertEquals("message " + (messages - 1), fx(() -> table.getItems().get(0).subject()), "newest first");
        assertEquals("s" + (messages - 1) + "@test.org", fx(() -> table.getItems().get(0).envelopeFrom()));

        fx(() -> {
            table.scrollTo(MessageListViewModel.PAGE);
            return null;
        });
        await("scrolling to the end loads the next page", () -> table.getItems().size() == 2 * MessageListViewModel.PAGE + 1);
        fx(() -> {
            table.getSelectionModel().clearAndSelect(2 * MessageListViewModel.PAGE);
            return null;
        });
        await("selecting the last row loads the rest", () -> table.getItems().size() == messages);
        assertEquals("message 0", fx(() -> table.getItems().get(messages - 1).subject()));
        assertTrue(fx(() -> table.getItems().stream().allMatch(MessageSummary::isMessage)), "no row to load more");
    }

    @Test
    void turningTheWheelDownToTheEndOfTheListLoadsTheNextPage() throws Exception {
        int messages = LARGE_MAILBOX;
        TableView<MessageSummary> table = openLargeMailbox();

        wheelDownUntil(table, () -> table.getItems().size() > MessageListViewModel.PAGE + 1 || loadMoreShown(table));
        await("the wheel brought the row to load more into view, which loads the next page",
                () -> table.getItems().size() == 2 * MessageListViewModel.PAGE + 1, () -> table.getItems().size());
        wheelDownUntil(table, () -> table.getItems().size() > 2 * MessageListViewModel.PAGE + 1 || loadMoreShown(table));
        await("and at the end of that page, the rest", () -> table.getItems().size() == messages,
                () -> table.getItems().size());
        assertEquals("message 0", fx(() -> table.getItems().get(messages - 1).subject()), "the oldest is last");
    }

    /** An mbox mailbox for alice of {@code messages} small messages, written before the window starts. */
    private void writeMbox(int messages) throws Exception {
        Path mail = Files.createDirectories(directory.resolve("mail"));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = 0; i < messages; i++) {
            file.writeBytes(("From s" + i + "@test.org Tue Nov 24 08:00:00 2026\nSubject: message " + i
                    + "\n\nbody\n\n").getBytes(StandardCharsets.US_ASCII));
        }
        Files.write(mail.resolve(ALICE + ".txt"), file.toByteArray());
    }

    private static boolean loadMoreShown(TableView<MessageSummary> table) {
        return Views.rows(table).stream().anyMatch(row -> row.get(3).startsWith("Load more"));
    }

    /** Turns the mouse wheel over the rows, ten notches at a time, until {@code done} (at most 300 times). */
    private static void wheelDownUntil(TableView<MessageSummary> table, BooleanSupplier done) throws Exception {
        for (int i = 0; i < 300 && !fx(done::getAsBoolean); i++) {
            fx(() -> {
                Wheel.down(table, 10);
                return null;
            });
        }
    }
}
