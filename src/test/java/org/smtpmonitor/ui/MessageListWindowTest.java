package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.TableColumnHeader;
import javafx.scene.input.MouseButton;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageOrder;
import org.smtpmonitor.message.MessageOrder.Key;
import org.smtpmonitor.testing.RealMail;

/**
 * The message list as the user works it, with mail sent by Angus Mail: sorting by a click
 * on a column's header, the unread marker, the context menu, and dragging a message out.
 */
class MessageListWindowTest extends WindowTestBase {

    static final String ALICE = "alice@example.com";
    static final PseudoClass UNREAD = PseudoClass.getPseudoClass("unread");

    private void send(List<RealMail.Letter> letters) throws Exception {
        RealMail.send(app.serverAddress(), letters);
    }

    private List<String> counts() {
        return Views.rows(table("#mailboxesTable")).stream().map(row -> row.get(1)).toList();
    }

    private String unreadCount() {
        return Views.rows(table("#mailboxesTable")).get(0).get(2);
    }

    @SuppressWarnings("unchecked")
    private TableView<MessageSummary> messages() {
        return (TableView<MessageSummary>) table("#messagesTable");
    }

    private MailboxDirectory mail() throws java.io.IOException {
        return app.launcher.window().monitor().mail();
    }

    private String status() {
        return lookup("#messageLabel").queryAs(Label.class).getText();
    }

    /** The ids of the message rows of the table, in order (not only those on screen). */
    private List<Long> listedIds() {
        return messages().getItems().stream().filter(MessageSummary::isMessage).map(MessageSummary::id).toList();
    }

    private List<Long> storeOrder(MessageOrder order, int limit) throws Exception {
        return mail().messages(ALICE, order, 0, limit).stream().map(IndexedMessage::id).toList();
    }

    private Node header(TableColumn<MessageSummary, ?> column) {
        for (Node node : messages().lookupAll(".column-header")) {
            if (node instanceof TableColumnHeader header && header.getTableColumn() == column) {
                return header;
            }
        }
        throw new AssertionError("no header for " + column.getText());
    }

    private long selectedId() throws Exception {
        return fx(() -> messages().getSelectionModel().getSelectedItem().id());
    }

    @Test
    void aClickOnAHeaderSortsThroughTheIndexAcrossPagesAndKeepsTheSelectedMessageInView() throws Exception {
        open(MailboxFormat.RAW);
        int count = 2 * MessageListViewModel.PAGE + 50;
        List<RealMail.Letter> letters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String subject = String.format("subject %03d", i * 7919 % 1000);
            letters.add(new RealMail.Letter("s" + i % 17 + "@test.org", ALICE, subject, "y".repeat(i * 31 % 2000) + "\n"));
        }
        send(letters);
        await("alice counts them all", () -> counts().get(0).equals("450"));
        clickRow("#mailboxesTable", ALICE);
        await("newest first", () -> listedIds().size() == MessageListViewModel.PAGE);
        assertEquals(storeOrder(MessageOrder.NEWEST_FIRST, MessageListViewModel.PAGE), fx(this::listedIds));
        clickRowWith("#messagesTable", String.format("subject %03d", 445 * 7919 % 1000));
        long selected = selectedId();

        MailController mail = app.launcher.window().mailController();
        clickOn(fx(() -> header(mail.messageSubjectColumn)));
        MessageOrder bySubject = new MessageOrder(Key.SUBJECT, false);
        long position = mail().position(ALICE, bySubject, selected);
        assertTrue(position >= MessageListViewModel.PAGE, "the selected message is past the first page: " + position);
        await("listed by subject as far as the selected message, which stays selected", () -> {
            try {
                return listedIds().equals(storeOrder(bySubject, listedIds().size()))
                        && listedIds().size() > position && messages().getSelectionModel().getSelectedItem() != null
                        && messages().getSelectionModel().getSelectedItem().id() == selected;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, this::listedIds);
        await("and in view", () -> Views.rowWith(messages(), messages().getSelectionModel().getSelectedItem()
                .subject()) != null);
        List<String> subjects = fx(() -> messages().getItems().stream().filter(MessageSummary::isMessage)
                .map(MessageSummary::subject).toList());
        assertEquals(subjects.stream().sorted().toList(), subjects, "the subjects in order across the pages listed");

        fx(() -> {
            messages().scrollTo(messages().getItems().size() - 1);
            return null;
        });
        await("scrolling to the end loads the rest, in the same order", () -> listedIds().size() == count);
        assertEquals(storeOrder(bySubject, count), fx(this::listedIds));

        clickOn(fx(() -> header(mail.messageSubjectColumn)));
        MessageOrder descending = new MessageOrder(Key.SUBJECT, true);
        await("a second click: the other way", () -> {
            try {
                return !listedIds().isEmpty() && listedIds().equals(storeOrder(descending, listedIds().size()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(selected, selectedId());

        clickOn(fx(() -> header(mail.messageSizeColumn)));
        await("by size, smallest first", () -> {
            List<MessageSummary> rows = messages().getItems().stream().filter(MessageSummary::isMessage).toList();
            for (int i = 1; i < rows.size(); i++) {
                if (rows.get(i - 1).size() > rows.get(i).size()) {
                    return false;
                }
            }
            return rows.size() >= MessageListViewModel.PAGE;
        });
        assertEquals(new MessageOrder(Key.SIZE, false), fx(() -> app.launcher.window().messageList().orderProperty()
                .get()));
    }

    private boolean unread(String subject) {
        TableRow<?> row = Views.rowWith(messages(), subject);
        return row != null && row.getPseudoClassStates().contains(UNREAD);
    }

    @Test
    void aMessageIsUnreadUntilShownAndStaysReadAfterARestart() throws Exception {
        open(MailboxFormat.MBOX);
        send(List.of(new RealMail.Letter("ann@test.org", ALICE, "first", "one\n"),
                new RealMail.Letter("bill@test.org", ALICE, "second", "two\n")));
        await("both are counted, both unread", () -> counts().get(0).equals("2") && unreadCount().equals("2"));
        clickRow("#mailboxesTable", ALICE);
        await("both rows are marked unread", () -> unread("first") && unread("second"));
        Node dot = fx(() -> Views.rowWith(messages(), "first").lookup(".unread-dot"));
        assertTrue(fx(dot::isVisible), "the dot shows");

        clickRowWith("#messagesTable", "first");
        await("shown, it is read at once", () -> !unread("first") && unread("second"));
        assertFalse(fx(dot::isVisible), "the dot is gone");
        await("the mailbox counts one unread", () -> unreadCount().equals("1"));
        assertEquals(1, mail().messages(ALICE, 0, 10).stream().filter(IndexedMessage::read).count(), "in the index");

        app.close();
        open(MailboxFormat.MBOX);
        await("after a restart: still one unread", () -> counts().get(0).equals("2") && unreadCount().equals("1"));
        clickRow("#mailboxesTable", ALICE);
        await("the message shown before is read, the other not", () -> Views.rowWith(messages(), "first") != null
                && !unread("first") && unread("second"));
    }

    /** Right-clicks the row with {@code subject}, and then the menu item of that id. */
    private void fromMenu(String subject, String item) throws Exception {
        await("the row of " + subject, () -> Views.rowWith(messages(), subject) != null);
        TableRow<?> row = fx(() -> Views.rowWith(messages(), subject));
        rightClickOn(row);
        // Monocle makes no context menu event of a right click, as a desktop's windowing does: the test makes it.
        fx(() -> {
            javafx.geometry.Bounds bounds = row.localToScreen(row.getBoundsInLocal());
            javafx.scene.input.ContextMenuEvent.fireEvent(row, new javafx.scene.input.ContextMenuEvent(
                    javafx.scene.input.ContextMenuEvent.CONTEXT_MENU_REQUESTED, 10, 5, bounds.getMinX() + 10,
                    bounds.getMinY() + 5, false, null));
            return null;
        });
        await("the menu shows " + item, () -> lookup(item).tryQuery().filter(Node::isVisible).isPresent());
        clickOn(item);
    }

    @Test
    void theContextMenuExportsDeletesAndClears() throws Exception {
        open(MailboxFormat.MBOX);
        Path out = Files.createDirectories(directory.resolve("exports"));
        app.exportAnswer = out::resolve;
        send(List.of(new RealMail.Letter("ann@test.org", ALICE, "keep me", "one\n"),
                new RealMail.Letter("bill@test.org", ALICE, "delete me", "two\n"),
                new RealMail.Letter("carl@test.org", ALICE, "export me", "three\n")));
        await("alice has 3", () -> counts().get(0).equals("3"));
        clickRow("#mailboxesTable", ALICE);

        fromMenu("export me", "#exportMenuItem");
        long exported = selectedId();
        Path eml = out.resolve("message-" + exported + ".eml");
        await("exported", () -> status().startsWith("Exported message " + exported + " to " + eml), this::status);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        mail().export(exported, stored);
        assertArrayEquals(stored.toByteArray(), Files.readAllBytes(eml));
        assertTrue(new String(stored.toByteArray(), java.nio.charset.StandardCharsets.UTF_8).contains("export me"));

        fromMenu("delete me", "#deleteMenuItem");
        await("deleted", () -> status().equals("Deleted 1 message") && counts().get(0).equals("2"), this::status);
        await("the list follows", () -> Views.rowWith(messages(), "delete me") == null
                && Views.rowWith(messages(), "keep me") != null);

        fromMenu("keep me", "#clearMenuItem");
        await("the dialog asks", () -> lookup("#clear-mailbox").tryQuery().isPresent());
        clickOn("Clear mailbox");
        await("cleared", () -> status().equals("Cleared alice@example.com: 2 messages deleted")
                && counts().get(0).equals("0"), this::status);
        assertEquals(0, Files.size(directory.resolve("mail").resolve(ALICE + ".txt")));
    }

    /**
     * Monocle, headless, hands no drag gesture to a drop target (DRAG_DETECTED comes, DRAG_OVER
     * and DRAG_DROPPED never do, in this window or another): so this drives what comes before
     * the drop, the file a drag hands the desktop, written when its row is pressed.
     */
    @Test
    void aPressedRowIsWrittenAsAnEmlFileUnderTheMailboxDirectoryForADragToHandOut() throws Exception {
        Path folder = Files.createDirectories(directory.resolve("mail").resolve(".smtp-monitor").resolve("drag"));
        Path stale = Files.writeString(folder.resolve("message-1.eml"), "a file of an earlier run");
        open(MailboxFormat.MBOX);
        await("the files of an earlier run are deleted", () -> !Files.exists(stale));
        send(List.of(new RealMail.Letter("ann@test.org", ALICE, "drag me", "dragged\n")));
        await("alice has 1", () -> counts().get(0).equals("1"));
        clickRow("#mailboxesTable", ALICE);
        await("listed", () -> Views.rowWith(messages(), "drag me") != null);

        moveTo(fx(() -> Views.rowWith(messages(), "drag me")));
        press(MouseButton.PRIMARY);
        release(MouseButton.PRIMARY);
        long id = selectedId();
        Path file = folder.resolve("message-" + id + ".eml").toAbsolutePath();
        assertEquals(file, app.launcher.window().dragFiles().fileOf(id), "the path a drag hands the desktop");
        await("the press wrote it", () -> Files.exists(file));
        assertEquals(file, app.launcher.window().dragFiles().prepared(id).get(10, TimeUnit.SECONDS));
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        mail().export(id, stored);
        assertArrayEquals(stored.toByteArray(), Files.readAllBytes(file), "the message as sent");
        try (var files = Files.list(folder)) {
            assertEquals(List.of(file.getFileName()), files.map(Path::getFileName).toList(), "no part file is left");
        }
    }

    @Test
    void aDragFolderThatIsALinkOutOfTheMailboxDirectoryIsNotWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(directory.resolve("outside"));
        Path own = Files.createDirectories(directory.resolve("mail").resolve(".smtp-monitor"));
        Files.createSymbolicLink(own.resolve("drag"), outside);
        open(MailboxFormat.MBOX);
        send(List.of(new RealMail.Letter("ann@test.org", ALICE, "drag me", "dragged\n")));
        await("alice has 1", () -> counts().get(0).equals("1"));
        clickRow("#mailboxesTable", ALICE);
        clickRowWith("#messagesTable", "drag me");
        long id = selectedId();
        await("the status bar says why", () -> status().startsWith("Cannot write message " + id + " for dragging: ")
                && status().endsWith("is a symbolic link; smtp-monitor writes only inside the mailbox directory"),
                this::status);
        try (var files = Files.list(outside)) {
            assertEquals(0, files.count(), "nothing written through the link");
        }
    }
}
