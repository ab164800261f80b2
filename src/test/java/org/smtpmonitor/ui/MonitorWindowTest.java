package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/** The main window on a real server over real sockets, asserting on what the user sees. */
class MonitorWindowTest extends WindowTestBase {

    @Test
    void sessionAppearsWithItsTranscriptInOrderIncluding550And500() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();

        clickRow("#sessionsTable", "1");
        await("the session is closed", () -> Views.rows(table("#sessionsTable")).get(0).get(3).equals("closed (quit)"));
        List<String> row = fx(() -> Views.rows(table("#sessionsTable")).get(0));
        assertEquals("127.0.0.1", row.get(1).substring(0, row.get(1).indexOf(':')));
        assertEquals("1", row.get(4), "messages delivered");
        await("the transcript ends with the close", () -> {
            var items = transcript().getItems();
            return !items.isEmpty() && items.get(items.size() - 1).text().equals("Closed (quit)");
        });
        List<String> shown = shownTranscript();
        List<String> expected = List.of("-- Connection from 127.0.0.1:", "S: 220 example.com ESMTP", "C: EHLO tester",
                "S: 250-example.com Hello tester", "S: 250 HELP", "C: MAIL FROM:<me@test.org>", "S: 250 OK",
                "C: RCPT TO:<nobody@example.com>", "S: 550 Address unknown", "C: BLAH",
                "S: 500 Syntax error, command unrecognized", "C: RCPT TO:<alice@example.com>", "S: 250 OK",
                "C: DATA", "S: 354 ", "C: <message: ", "C: .", "-- Delivered ", "S: 250 OK: queued as ",
                "C: QUIT", "S: 221 ", "-- Closed (quit)");
        int at = -1;
        for (String prefix : expected) {
            int found = -1;
            for (int i = at + 1; i < shown.size(); i++) {
                if (shown.get(i).startsWith(prefix)) {
                    found = i;
                    break;
                }
            }
            assertTrue(found > at, "'" + prefix + "' after line " + at + " in " + shown);
            at = found;
        }
        assertEquals("Delivered: 1", label("#deliveredLabel"));
        assertEquals("Open sessions: 0", label("#openSessionsLabel"));
    }

    @Test
    void errorRepliesAreColouredApartFromClientAndServerLines() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        clickRow("#sessionsTable", "1");
        await("the transcript is complete", () -> transcript().getItems().size() > 20);
        fx(() -> {
            transcript().scrollTo(0);
            return null;
        });
        await("the 550 line is rendered", () -> Views.cells(transcript()).stream()
                .anyMatch(cell -> cell.getText().contains("S: 550 Address unknown")));
        // Read in one go on the FX thread: the list's cells are reused as it scrolls.
        record Shown(String text, java.util.Set<javafx.css.PseudoClass> states, javafx.scene.paint.Paint fill) {
        }
        List<Shown> cells = fx(() -> Views.cells(transcript()).stream()
                .map(cell -> new Shown(cell.getText(), java.util.Set.copyOf(cell.getPseudoClassStates()),
                        cell.getTextFill())).toList());
        java.util.Map<String, java.util.Set<javafx.scene.paint.Paint>> colours = new java.util.HashMap<>();
        for (Shown cell : cells) {
            String text = cell.text();
            String expected = text.contains(" C: ") ? "client" : text.contains(" S: 5") ? "server-error"
                    : text.contains(" S: ") ? "server" : text.contains(" -- warning: ") ? "warning" : "note";
            assertTrue(cell.states().contains(javafx.css.PseudoClass.getPseudoClass(expected)),
                    text + " has " + cell.states());
            colours.computeIfAbsent(expected, k -> new java.util.HashSet<>()).add(cell.fill());
        }
        assertEquals(5, colours.size(), "client, server, error, note and warning (no Date, From or Message-ID) lines"
                + " are all on screen");
        java.util.Set<javafx.scene.paint.Paint> distinct = new java.util.HashSet<>();
        for (var kind : colours.values()) {
            assertEquals(1, kind.size(), "one colour per kind of line: " + colours);
            distinct.addAll(kind);
        }
        assertEquals(5, distinct.size(), "each kind of line has its own colour: " + colours);
    }

    @Test
    void controlCharactersAClientSendsAreShownEscapedInTheTranscript() throws Exception {
        open(MailboxFormat.RAW);
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("HELO \u001b]0;pwned\u0007\u001b[2J");
            client.command("QUIT");
        }
        clickRow("#sessionsTable", "1");
        await("the escaped HELO line is rendered", () -> Views.cells(transcript()).stream()
                .anyMatch(cell -> cell.getText() != null && cell.getText().endsWith(" C: HELO \\x1b]0;pwned\\x07\\x1b[2J")));
        for (String text : fx(() -> Views.cells(transcript()).stream()
                .map(cell -> cell.getText() == null ? "" : cell.getText()).toList())) {
            assertTrue(text.chars().noneMatch(Character::isISOControl), "a raw control character in: " + text);
        }
    }

    @Test
    void filterBoxShowsOnlyMatchingLines() throws Exception {
        open(MailboxFormat.RAW);
        sendSessionWithErrors();
        clickRow("#sessionsTable", "1");
        await("the transcript is complete", () -> shownTranscriptSize() > 20);
        int all = shownTranscriptSize();

        clickOn("#filterField").write("550");
        await("the filter applies", () -> shownTranscriptSize() == 1);
        assertEquals(List.of("S: 550 Address unknown"), shownTranscript());

        clickOn("#filterField").eraseText(3).write("rcpt to");
        await("the filter applies", () -> shownTranscriptSize() == 2);
        assertEquals(List.of("C: RCPT TO:<nobody@example.com>", "C: RCPT TO:<alice@example.com>"), shownTranscript());

        clickOn("#filterField").eraseText(7);
        await("every line is back", () -> shownTranscriptSize() == all);
    }

    @Test
    void mailboxCountNewMarkAndMessageListFollowDeliveries() throws Exception {
        open(MailboxFormat.MBOX);
        String subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("Grüße aus Köln".getBytes(StandardCharsets.UTF_8)) + "?=";
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("HELO tester");
            client.mail("carol@test.org", "bob@example.com", "From: Carol <carol@test.org>\nTo: bob@example.com\nSubject: "
                    + subject + "\nDate: Tue, 24 Nov 2026 08:00:00 +0000\n\nFirst line of the body\n");
            await("bob's count is 1 and marked new", () -> {
                List<List<String>> rows = Views.rows(table("#mailboxesTable"));
                return rows.get(1).get(0).equals("bob@example.com  \u2022 new") && rows.get(1).get(1).equals("1");
            });
            assertEquals(List.of("alice@example.com", "0"), fx(() -> Views.rows(table("#mailboxesTable")).get(0).subList(0, 2)));

            clickRow("#mailboxesTable", "bob@example.com");
            await("the mark goes once bob's mailbox is viewed",
                    () -> Views.rows(table("#mailboxesTable")).get(1).get(0).equals("bob@example.com"));
            await("the list shows the message", () -> Views.rows(table("#messagesTable")).size() == 1);
            List<String> message = fx(() -> Views.rows(table("#messagesTable")).get(0));
            assertTrue(message.get(0).matches("\\d\\d:\\d\\d:\\d\\d"), "received today, at " + message.get(0));
            assertEquals(List.of("carol@test.org", "Carol <carol@test.org>", "Grüße aus Köln"), message.subList(1, 4),
                    "the envelope sender, the From header and the subject, decoded");
            assertEquals("bob@example.com: 1 message, " + Sizes.human(Files.size(directory.resolve("mail/bob@example.com.txt"))),
                    label("#previewStatus"));

            clickRowWith("#messagesTable", "Carol <carol@test.org>");
            Inspector inspector = new Inspector(this);
            inspector.awaitSubject("Grüße aus Köln");
            inspector.open("sourceTab");
            // As sent: the mbox file's From_ line is not part of it.
            inspector.awaitSource(List.of("From: Carol <carol@test.org>", "To: bob@example.com", "Subject: " + subject,
                    "Date: Tue, 24 Nov 2026 08:00:00 +0000", "", "First line of the body", ""));

            client.mail("dave@test.org", "bob@example.com", "From: dave@test.org\nSubject: second\n\nmore\n");
            await("the list shows the new message first", () -> {
                List<List<String>> rows = Views.rows(table("#messagesTable"));
                return rows.size() == 2 && rows.get(0).get(3).equals("second");
            });
            await("bob's count is 2", () -> Views.rows(table("#mailboxesTable")).get(1).get(1).equals("2"));
            assertEquals("Grüße aus Köln", inspector.label("#subjectLabel"), "the message being read stays selected");
            assertEquals("From: Carol <carol@test.org>", fx(() -> inspector.sourceRows().get(0)));
            client.command("QUIT");
        }
    }

    @Test
    void rawMailWrittenBeforeTheIndexIsShownAsUnindexedBytesNeverAsAMessage() throws Exception {
        Path mail = Files.createDirectories(directory.resolve("mail"));
        String earlier = "Subject: from last week\r\n\r\nold\r\n";
        Files.writeString(mail.resolve("alice@example.com.txt"), earlier);
        String unindexed = Sizes.human(earlier.length()) + " unindexed";
        open(MailboxFormat.RAW);
        await("the earlier mail is counted apart", () -> Views.rows(table("#mailboxesTable")).get(0).get(1)
                .equals("0 + " + unindexed));
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("HELO tester");
            client.mail("me@test.org", "alice@example.com", "From: me@test.org\nSubject: one\n\n1");
            client.mail("me@test.org", "alice@example.com", "From: me@test.org\nSubject: two\n\n2");
            client.command("QUIT");
        }
        await("alice's count", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("2 + " + unindexed));
        String sent = "From: me@test.org\r\nSubject: one\r\n\r\n1\r\n";
        clickRow("#mailboxesTable", "alice@example.com");
        await("the list shows both messages, then the unindexed bytes in a row of their own", () -> Views.rows(
                table("#messagesTable")).stream().map(row -> row.get(3) + " " + row.get(4)).toList().equals(List.of(
                        "two " + Sizes.human(sent.length()), "one " + Sizes.human(sent.length()),
                        "(" + unindexed + ": mail whose message boundaries are unknown) " + Sizes.human(earlier.length()))));
        assertTrue(label("#previewStatus").endsWith(", + " + unindexed), label("#previewStatus"));
        clickRowWith("#messagesTable", "two");
        Inspector inspector = new Inspector(this);
        inspector.awaitSubject("two");
        inspector.open("sourceTab");
        inspector.awaitSource(List.of("From: me@test.org", "Subject: two", "", "2"));
        clickRowWith("#messagesTable", "unindexed");
        await("the unindexed row has no message to show", () -> inspector.sourceRows().isEmpty()
                && inspector.label("#messageState").equals(MessageViewModel.NOTHING_SELECTED)
                && !lookup("#envelopeBox").query().isVisible());

        clickOn("#clearMailboxButton");
        await("the dialog asks", () -> lookup("#clear-mailbox").tryQuery().isPresent());
        assertEquals("All 2 messages of alice@example.com will be deleted from its mailbox file. The " + unindexed
                .replace(" unindexed", "") + " of unindexed mail before them, whose message boundaries are unknown,"
                + " stay. This cannot be undone.", fx(() -> lookup("#clear-mailbox").queryAs(DialogPane.class)
                .getContentText()));
        clickOn("Clear mailbox");
        await("the messages go, the unindexed mail stays", () -> Views.rows(table("#mailboxesTable")).get(0).get(1)
                .equals("0 + " + unindexed) && Views.rows(table("#messagesTable")).size() == 1);
        assertEquals(earlier, Files.readString(mail.resolve("alice@example.com.txt")));
    }

    @Test
    void severalSessionsOpenAtOnceAndStopStartServer() throws Exception {
        open(MailboxFormat.RAW);
        int port = app.serverAddress().getPort();
        assertEquals("Listening on 127.0.0.1:" + port, label("#listeningLabel"));
        assertTrue(fx(() -> app.stage.getTitle()).equals("smtp-monitor \u2014 127.0.0.1:" + port + " \u2014 users.txt"));
        try (RawSmtpClient first = RawSmtpClient.connectGreeted(app.serverAddress());
             RawSmtpClient second = RawSmtpClient.connectGreeted(app.serverAddress())) {
            await("two sessions are open", () -> Views.rows(table("#sessionsTable")).stream()
                    .filter(r -> r.get(3).equals("open")).count() == 2);
            assertEquals("Open sessions: 2", label("#openSessionsLabel"));
            await("open sessions' rows stand out", () -> sessionRowOpen("1") && sessionRowOpen("2"));

            clickOn("#serverButton");
            assertTrue(first.readReply().startsWith("421 "), "a connected client is told the server stops");
            assertTrue(second.readReply().startsWith("421 "));
            await("the status says stopped", () -> lookup("#listeningLabel").queryAs(Label.class).getText()
                    .equals("Server stopped"));
            await("both sessions closed for the shutdown", () -> Views.rows(table("#sessionsTable")).stream()
                    .filter(r -> r.get(3).equals("closed (server shutdown)")).count() == 2);
            assertEquals("Open sessions: 0", label("#openSessionsLabel"));
            await("closed sessions' rows no longer stand out", () -> !sessionRowOpen("1") && !sessionRowOpen("2"));
        }
        await("the button offers a start", () -> lookup("#serverButton").queryAs(Labeled.class).getText()
                .equals("Start server") && !lookup("#serverButton").queryAs(Labeled.class).isDisabled());
        clickOn("#serverButton");
        await("the server listens again", () -> lookup("#listeningLabel").queryAs(Label.class).getText()
                .startsWith("Listening on 127.0.0.1:"));
        try (RawSmtpClient again = RawSmtpClient.connect(app.serverAddress())) {
            assertTrue(again.readReply().startsWith("220 "));
            again.command("QUIT");
        }
        await("the third session is listed", () -> Views.rows(table("#sessionsTable")).size() == 3);
    }

    /** On the FX thread: whether the session's row shows the {@code :open} style. */
    private boolean sessionRowOpen(String id) {
        var row = Views.row(table("#sessionsTable"), id);
        return row != null && row.getPseudoClassStates().contains(javafx.css.PseudoClass.getPseudoClass("open"));
    }
}
