package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.util.List;

import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableRow;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.RealMail;

/**
 * The session list as the user reads it: who sent to whom and how it went, a mark on each
 * session that got a reply in error, Follow held per session, and the jumps: to a session
 * by its id, and from a delivery line to its message.
 */
class SessionListWindowTest extends WindowTestBase {

    static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    static final String ALICE = "alice@example.com";
    static final String BOB = "bob@example.com";

    private List<List<String>> sessions() {
        return Views.rows(table("#sessionsTable"));
    }

    /** The rendered row of session {@code id}, or null. */
    private TableRow<?> sessionRow(long id) {
        table("#sessionsTable").layout();
        for (Node node : table("#sessionsTable").lookupAll(".table-row-cell")) {
            if (node instanceof TableRow<?> row && row.getItem() instanceof SessionRow session && session.id() == id
                    && row.isVisible()) {
                return row;
            }
        }
        return null;
    }

    private String text(String label) {
        return lookup(label).queryAs(Label.class).getText();
    }

    private String status() {
        return lookup("#messageLabel").queryAs(Label.class).getText();
    }

    private boolean following() {
        return lookup("#followToggle").queryAs(ToggleButton.class).isSelected();
    }

    private SessionRow selectedSession() {
        return (SessionRow) table("#sessionsTable").getSelectionModel().getSelectedItem();
    }

    @Test
    void aSessionSentA550AndA500IsMarkedAndTheStatusBarCountsRepliesInErrorApartFromIoErrors() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        RealMail.send(app.serverAddress(), List.of(new RealMail.Letter("clean@test.org", List.of(ALICE, BOB), "hello",
                "no errors here\n")));
        await("both sessions are closed", () -> sessions().size() == 2
                && sessions().stream().allMatch(row -> row.get(3).startsWith("closed")), this::sessions);
        // Newest first: the clean session, then the one with errors; the new columns come last.
        List<String> clean = fx(() -> sessions().get(0));
        List<String> failed = fx(() -> sessions().get(1));
        // Its message has no Date, From or Message-ID: the check of the sending client says so.
        assertEquals(List.of("me@test.org", ALICE, "delivered 1, errors 2, 1 warning"), failed.subList(6, 9));
        assertEquals(List.of("clean@test.org", ALICE + ", " + BOB, "delivered 1"), clean.subList(6, 9));
        assertTrue(fx(() -> sessionRow(1).getPseudoClassStates().contains(FAILED)), "the row of session 1 is marked");
        assertFalse(fx(() -> sessionRow(2).getPseudoClassStates().contains(FAILED)));
        Node mark = fx(() -> sessionRow(1).lookup(".error-mark"));
        Node noMark = fx(() -> sessionRow(2).lookup(".error-mark"));
        assertTrue(fx(mark::isVisible), "the mark shows before the number");
        assertEquals("\u26a0", ((Labeled) mark).getText());
        assertFalse(fx(noMark::isVisible));
        assertEquals("1", failed.get(0), "the number is still the cell's text");
        await("the status bar counts both kinds apart", () -> text("#repliesInErrorLabel").equals("Replies in error: 2")
                && text("#ioErrorsLabel").equals("I/O errors: 0"));
    }

    @Test
    void eachSessionKeepsItsOwnFollow() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        sendSessionWithErrors();
        await("two sessions", () -> sessions().size() == 2);
        clickRow("#sessionsTable", "1");
        await("session 1 follows", this::following);
        clickOn("#followToggle");
        await("session 1 no longer follows", () -> !following());
        clickRow("#sessionsTable", "2");
        await("session 2 still follows", this::following);
        clickRow("#sessionsTable", "1");
        await("back on session 1: it still does not", () -> !following());
        press(KeyCode.CONTROL, KeyCode.E).release(KeyCode.E, KeyCode.CONTROL);
        await("Ctrl+E turns it on again", this::following);
        clickRow("#sessionsTable", "2");
        assertTrue(fx(this::following));
    }

    @Test
    void showSessionSelectsAndScrollsToAHeldSessionAndSaysWhenOneIsNoLongerHeld() throws Exception {
        MainWindow window = open(MailboxFormat.RAW);
        for (int i = 0; i < 40; i++) {
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
                client.command("QUIT");
            }
        }
        await("forty sessions", () -> table("#sessionsTable").getItems().size() == 40);
        fx(() -> {
            window.showSession(3);
            return null;
        });
        await("session 3 is selected and rendered", () -> selectedSession() != null && selectedSession().id() == 3
                && sessionRow(3) != null);
        await("its transcript is shown", () -> shownTranscriptSize() > 0);
        fx(() -> {
            window.showSession(4_000);
            return null;
        });
        await("the status bar says so", () -> status().equals("Session 4000 is no longer held: the window keeps the"
                + " newest 1,000 sessions"), this::status);
        assertEquals(3, fx(() -> selectedSession().id()), "the selection stays");
    }

    /** The rendered transcript line of a delivery. */
    private Labeled deliveryLine() {
        return Views.cells(transcript()).stream().filter(cell -> cell.getText().contains("-- Delivered ")).findFirst()
                .orElse(null);
    }

    @SuppressWarnings("unchecked")
    private javafx.scene.control.TableView<MessageSummary> messages() {
        return (javafx.scene.control.TableView<MessageSummary>) table("#messagesTable");
    }

    private String selectedMessageSubject() {
        MessageSummary selected = messages().getSelectionModel().getSelectedItem();
        return selected == null ? null : selected.subject();
    }

    private MailboxRow selectedMailbox() {
        return (MailboxRow) table("#mailboxesTable").getSelectionModel().getSelectedItem();
    }

    @Test
    void aDeliveryLineOpensItsMessageInTheMailboxOnViewOrTheFirstItWentTo() throws Exception {
        open(MailboxFormat.MBOX);
        RealMail.send(app.serverAddress(), List.of(new RealMail.Letter("ann@test.org", List.of(ALICE, BOB), "for both",
                "one\n")));
        RealMail.send(app.serverAddress(), List.of(new RealMail.Letter("bill@test.org", ALICE, "for alice", "two\n"),
                new RealMail.Letter("bill@test.org", ALICE, "again for alice", "three\n")));
        await("every copy is counted", () -> Views.rows(table("#mailboxesTable")).stream().map(row -> row.get(1))
                .toList().equals(List.of("3", "1")));
        clickRow("#mailboxesTable", BOB);
        clickOn("#searchField").write("nothing matches this");

        clickRow("#sessionsTable", "1");
        await("the delivery line is rendered", () -> deliveryLine() != null);
        doubleClickOn(fx(this::deliveryLine));
        await("bob's mailbox, on view, shows the message selected, the search cleared", () -> selectedMailbox() != null
                && selectedMailbox().address().equals(BOB) && "for both".equals(selectedMessageSubject())
                && lookup("#searchField").queryAs(javafx.scene.control.TextField.class).getText().isEmpty(),
                this::selectedMessageSubject);
        await("and the inspector shows it", () -> lookup("#subjectLabel").queryAs(javafx.scene.control.Label.class)
                .getText().contains("for both"));

        clickRow("#sessionsTable", "2");
        await("the second session's first delivery line is rendered", () -> deliveryLine() != null);
        clickOn(fx(this::deliveryLine));
        type(KeyCode.ENTER);
        await("Enter opens it: alice's mailbox, the first message of session 2", () -> selectedMailbox() != null
                && selectedMailbox().address().equals(ALICE) && "for alice".equals(selectedMessageSubject()),
                this::selectedMessageSubject);
    }
}
