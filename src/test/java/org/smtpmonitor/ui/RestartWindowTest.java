package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javafx.scene.control.TableView;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.MailboxDirectory.MailboxInfo;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.server.NumberedFlood;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/** A window started on mailboxes written before it: after a clean stop, and after a crash in a flood. */
class RestartWindowTest extends WindowTestBase {

    static final String[] USERS = {"alice@example.com", "bob@example.com", "carol@example.com"};

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    void afterARestartEveryMessageOfEveryMailboxIsListedWithItsEnvelope(MailboxFormat format) throws Exception {
        open(format);
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            for (int i = 1; i <= 3; i++) {
                for (String user : List.of("alice", "bob")) {
                    client.mail("sender" + i + "@test.org", user + "@example.com", "From: Header Name <header@test.org>\n"
                            + "Subject: " + user + " " + i + "\n\nbody " + i + "\n");
                }
            }
            client.command("QUIT");
        }
        await("both mailboxes count 3", () -> counts().equals(List.of("3", "3")));
        app.close();

        open(format);
        await("each mailbox counts its messages, from the index", () -> counts().equals(List.of("3", "3")));
        for (String user : List.of("alice", "bob")) {
            clickRow("#mailboxesTable", user + "@example.com");
            await(user + "'s messages are listed one by one, newest first, with their envelope", () -> {
                List<List<String>> rows = Views.rows(table("#messagesTable"));
                if (rows.size() != 3) {
                    return false;
                }
                for (int i = 0; i < 3; i++) {
                    String row = String.join("|", rows.get(i));
                    int n = 3 - i;
                    if (!row.contains(user + " " + n) || !row.contains("sender" + n + "@test.org")
                            || !row.contains("Header Name <header@test.org>")) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    /**
     * A server killed in a flood, and the journal of its appends lost as a power loss would
     * lose it, then mail written to a mailbox by another program: the window lists exactly
     * what the index holds, and the bytes no indexed message covers as such, never as a message.
     */
    @Test
    void afterAKillInAFloodTheWindowListsWhatTheIndexHoldsAndTheRawTailAsUnindexed() throws Exception {
        Path users = app.usersFile("users.txt", USERS);
        Path mail = Files.createDirectories(directory.resolve("mail"));
        NumberedFlood flood = new NumberedFlood();
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", mail.toString(),
                "--format", "raw")) {
            NumberedFlood.Round clients = flood.start(server.address(), 2);
            Await.until("the flood has written to every mailbox", Duration.ofSeconds(30), () -> {
                for (String user : USERS) {
                    Path file = mail.resolve(user + ".txt");
                    if (!Files.exists(file) || Files.size(file) < 100_000) {
                        return false;
                    }
                }
                return true;
            });
            clients.stopping();
            server.kill();
            assertEquals(List.of(), clients.stop(), "nothing went wrong before the kill");
        }
        try (DirectoryStream<Path> journals = Files.newDirectoryStream(mail.resolve(".smtp-monitor"), "*.tail")) {
            for (Path journal : journals) {
                Files.delete(journal);
            }
        }
        byte[] written = "From: someone else\r\nSubject: not through smtp-monitor\r\n\r\nhello\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        Files.write(mail.resolve("alice@example.com.txt"), written, StandardOpenOption.APPEND);

        MainWindow window = app.open(app.settings(MailboxFormat.RAW), users);
        MailboxDirectory stored = window.monitor().mail();
        List<MailboxInfo> infos = stored.mailboxes();
        assertTrue(infos.get(0).unindexedBytes() >= written.length, "alice's tail is unindexed: " + infos);
        for (int i = 0; i < USERS.length; i++) {
            MailboxInfo info = infos.get(i);
            MailboxRow row = window.model().mailboxes().get(i);
            assertEquals(info.messages() + (info.unindexedBytes() > 0
                    ? " + " + Sizes.human(info.unindexedBytes()) + " unindexed" : ""), fx(row::countText));
            clickRow("#mailboxesTable", info.address());
            List<MessageSummary> listed = listAll();
            List<Long> expected = stored.messages(info.address(), 0, Integer.MAX_VALUE).stream()
                    .map(IndexedMessage::id).toList();
            List<Long> ids = listed.stream().filter(MessageSummary::isMessage).map(MessageSummary::id).toList();
            assertEquals(expected, ids, info.address() + ": every message the index holds, newest first, once");
            List<MessageSummary> others = listed.stream().filter(m -> !m.isMessage()).toList();
            if (info.unindexedBytes() > 0) {
                assertEquals(List.of(MessageSummary.unindexed(info.address(), info.unindexedBytes())), others);
                assertEquals(listed.get(listed.size() - 1), others.get(0), "the unindexed bytes come last");
            } else {
                assertEquals(List.of(), others);
            }
        }
    }

    /** Scrolls the message list to its end until every page is loaded; returns its rows. */
    private List<MessageSummary> listAll() throws Exception {
        @SuppressWarnings("unchecked")
        TableView<MessageSummary> messages = (TableView<MessageSummary>) table("#messagesTable");
        await("the first page is listed", () -> !messages.getItems().isEmpty()
                && messages.getItems().get(0).isMessage());
        while (true) {
            boolean more = fx(() -> {
                List<MessageSummary> rows = messages.getItems();
                MessageSummary last = rows.get(rows.size() - 1);
                if (last.kind() == MessageSummary.Kind.MORE) {
                    messages.scrollTo(rows.size() - 1);
                    return true;
                }
                return false;
            });
            if (!more) {
                return fx(() -> new ArrayList<>(messages.getItems()));
            }
            int before = fx(() -> messages.getItems().size());
            await("the next page is listed", () -> messages.getItems().size() > before);
        }
    }

    private List<String> counts() {
        return Views.rows(table("#mailboxesTable")).stream().map(row -> row.get(1)).toList();
    }
}
