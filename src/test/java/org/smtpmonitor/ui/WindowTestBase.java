package org.smtpmonitor.ui;

import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/** Starts the main window on a real server for each test and reads what the user sees. */
abstract class WindowTestBase extends FxThreadRobot {

    @TempDir
    Path directory;
    WindowTestSupport app;

    @BeforeEach
    void start() throws Exception {
        app = new WindowTestSupport(directory);
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    MainWindow open(MailboxFormat format) throws Exception {
        return app.open(app.settings(format), app.usersFile("users.txt", "alice@example.com", "bob@example.com"));
    }

    TableView<?> table(String id) {
        return lookup(id).queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    ListView<TranscriptLine> transcript() {
        return lookup("#transcriptList").queryAs(ListView.class);
    }

    String label(String id) throws Exception {
        return fx(() -> lookup(id).queryAs(Label.class).getText());
    }

    /** The transcript as shown, without the times. */
    List<String> shownTranscript() throws Exception {
        return fx(() -> {
            List<String> lines = new ArrayList<>();
            for (TranscriptLine line : transcript().getItems()) {
                lines.add(line.formatted().substring(13));
            }
            return lines;
        });
    }

    void clickRow(String tableId, String firstCellPrefix) throws Exception {
        await("a row " + firstCellPrefix + " in " + tableId, () -> Views.row(table(tableId), firstCellPrefix) != null);
        TableRow<?> row = fx(() -> Views.row(table(tableId), firstCellPrefix));
        clickOn(row);
    }

    /** Clicks the topmost rendered row of a table that has a cell containing {@code text}. */
    void clickRowWith(String tableId, String text) throws Exception {
        await("a row with " + text + " in " + tableId, () -> Views.rowWith(table(tableId), text) != null);
        TableRow<?> row = fx(() -> Views.rowWith(table(tableId), text));
        clickOn(row);
    }

    void sendSessionWithErrors() throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.command("MAIL FROM:<me@test.org>");
            client.command("RCPT TO:<nobody@example.com>");
            client.command("BLAH");
            client.command("RCPT TO:<alice@example.com>");
            client.command("DATA");
            client.command("Subject: hi\r\n\r\nHello Alice\r\n.");
            client.command("QUIT");
        }
    }

    int shownTranscriptSize() {
        return transcript().getItems().size();
    }
}
