package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The users file edited while the window runs, as the user sees it: a new user's mailbox
 * appears and a removed user's is marked (its mail kept), with a word in the status bar; an
 * edit that does not parse shows a banner naming file, line and reason while the list in
 * force stays; a good edit takes the banner away; a catch-all's new address gets its row
 * on its first delivery.
 */
class UsersFileWindowTest extends WindowTestBase {

    private static final PseudoClass REMOVED = PseudoClass.getPseudoClass("removed");

    private List<String> mailboxesNow(MainWindow window) {
        return window.model().mailboxes().stream().map(MailboxRow::address).toList();
    }

    private static String rcpt(RawSmtpClient client, String address) throws Exception {
        return client.command("RCPT TO:<" + address + ">");
    }

    @Test
    void editsOfTheUsersFileShowLiveAndABadOneShowsABannerUntilFixed() throws Exception {
        MainWindow window = open(MailboxFormat.RAW);
        Path users = window.monitor().usersFile();

        Files.write(users, List.of("alice@example.com", "erin@example.com"));
        await("erin's mailbox", () -> mailboxesNow(window).contains("erin@example.com"), () -> mailboxesNow(window));
        await("the status bar says what changed", () -> lookup("#messageLabel").queryAs(Label.class).getText()
                .equals("users.txt reloaded: added 1 (erin@example.com); removed 1 (bob@example.com)"));
        MailboxRow bob = fx(() -> window.model().mailboxes().stream()
                .filter(row -> row.address().equals("bob@example.com")).findFirst().orElseThrow());
        assertTrue(fx(() -> bob.removedProperty().get()));
        await("bob's row", () -> Views.row(table("#mailboxesTable"), "bob@example.com") != null);
        assertEquals("bob@example.com  (not in the users file)", fx(() -> Views.row(table("#mailboxesTable"),
                "bob@example.com").getChildrenUnmodifiable().stream().map(cell -> ((javafx.scene.control.Labeled) cell)
                .getText()).findFirst().orElseThrow()));
        assertTrue(fx(() -> Views.row(table("#mailboxesTable"), "bob@example.com").getPseudoClassStates()
                .contains(REMOVED)));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.command("MAIL FROM:<me@test.org>");
            assertEquals("250 OK", rcpt(client, "erin@example.com"));
            assertEquals("550 Address unknown", rcpt(client, "bob@example.com"));
        }

        Files.write(users, List.of("alice@example.com", "erin@@example.com"));
        await("the banner", () -> lookup("#usersFileBanner").queryAs(HBox.class).isVisible());
        String banner = label("#usersFileProblemLabel");
        assertTrue(banner.startsWith(users + ":2: 'erin@@example.com' is not an address: more than one '@'"), banner);
        assertTrue(banner.endsWith(": the previous list of users is kept"), banner);
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.command("MAIL FROM:<me@test.org>");
            assertEquals("250 OK", rcpt(client, "erin@example.com"), "the list in force is kept");
        }

        Files.write(users, List.of("alice@example.com", "erin@example.com", "*@test.org"));
        await("the banner goes", () -> !lookup("#usersFileBanner").queryAs(HBox.class).isVisible());
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.mail("me@test.org", "Zed@Test.org", "Subject: caught\n\nhi\n");
        }
        await("the caught address's mailbox", () -> mailboxesNow(window).contains("Zed@test.org"),
                () -> mailboxesNow(window));
        assertFalse(fx(() -> window.model().mailboxes().stream().anyMatch(row -> row.address().equals("Zed@test.org")
                && row.removedProperty().get())));
    }

    @Test
    void theBannerCanBeDismissed() throws Exception {
        MainWindow window = open(MailboxFormat.RAW);
        Files.write(window.monitor().usersFile(), List.of("alice@example.com", "bob@@example.com"));
        await("the banner", () -> lookup("#usersFileBanner").queryAs(HBox.class).isVisible());
        clickOn("Dismiss");
        await("the banner goes", () -> !lookup("#usersFileBanner").queryAs(HBox.class).isVisible());
    }
}
