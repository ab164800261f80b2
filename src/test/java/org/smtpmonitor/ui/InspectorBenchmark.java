package org.smtpmonitor.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.SourceLines.Row;

/**
 * How the message inspector opens a 25 MB message with 10 attachments, sent over SMTP by Angus
 * Mail to a real window (headless, software rendering): the time from selecting the message
 * to its attachments being listed, and the longest gap between FX pulses meanwhile (and for a
 * second after, while its source's first rows are read). Then the same for its source's last
 * line, reached with "End". Each is measured {@code bench.rounds} times, a small message
 * selected in between; the first round runs on a cold JIT. Prints figures, asserts nothing.
 *
 * <pre>mvn -B -ntp test-compile exec:java -Dexec.mainClass=org.smtpmonitor.ui.InspectorBenchmark \
 *     -Dexec.classpathScope=test [-Dbench.megabytes=25] [-Dbench.attachments=10] [-Dbench.rounds=3]</pre>
 */
public final class InspectorBenchmark {

    private InspectorBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // the FX thread would keep the JVM up
        }
    }

    private static void run() throws Exception {
        int megabytes = Integer.getInteger("bench.megabytes", 25);
        int attachments = Integer.getInteger("bench.attachments", 10);
        int rounds = Integer.getInteger("bench.rounds", 3);
        Path work = Files.createTempDirectory("smtp-monitor-inspector");
        HeadlessFx.start();
        Path users = work.resolve("users.txt");
        Files.write(users, List.of(InspectorMail.ALICE));
        Settings d = Settings.defaults();
        Settings settings = new Settings(d.bindAddress(), 0, work.resolve("mail"), MailboxFormat.RAW, d.defaultDomain(),
                Math.max(d.maxMessageSize(), megabytes * 1_100_000L), d.maxConnections(), d.idleTimeout(), false);
        Launcher launcher = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings, owner -> null, owner -> null, new Stage(), System.err);
            l.launch(users);
            return l;
        });
        UiLoadBenchmark.await(() -> launcher.window() != null, 30);
        MainWindow window = launcher.window();
        InspectorMail mail = new InspectorMail(window.monitor().server().address());
        InspectorMail.send(mail.large("Large", megabytes, attachments));
        var small = mail.message("Small", InspectorMail.ALICE);
        small.setText("a small message");
        InspectorMail.send(small);
        HeadlessFx.fx(() -> {
            UiLoadBenchmark.table(window, "#mailboxesTable").getSelectionModel().select(0);
            return null;
        });
        TableView<MessageSummary> messages = UiLoadBenchmark.table(window, "#messagesTable");
        UiLoadBenchmark.await(() -> messages.getItems().size() == 2, 60);
        long size = Files.size(work.resolve("mail").resolve(InspectorMail.ALICE + ".txt"));
        System.out.printf("smtp-monitor inspector: a %.1f MB message with %d attachments (sent by Angus Mail), %d cores%n",
                size / 1e6, attachments, Runtime.getRuntime().availableProcessors());

        for (int round = 1; round <= rounds; round++) {
            select(window, messages, "Small", 0);
            Thread.sleep(1000);
            open(window, messages, attachments, round);
            Thread.sleep(500);
            lastLine(window, round);
        }
        HeadlessFx.fx(() -> {
            window.close();
            return null;
        });
        window.closed().get();
        Platform.exit();
        System.exit(0);
    }

    /** Selects the message with this subject; waits until the inspector shows {@code attachments} of it. */
    private static void select(MainWindow window, TableView<MessageSummary> messages, String subject, int attachments)
            throws Exception {
        HeadlessFx.fx(() -> {
            for (int i = 0; i < messages.getItems().size(); i++) {
                if (messages.getItems().get(i).subject().equals(subject)) {
                    messages.getSelectionModel().clearAndSelect(i);
                }
            }
            return null;
        });
        TableView<?> table = UiLoadBenchmark.table(window, "#attachmentsTable");
        UiLoadBenchmark.await(() -> table.getItems().size() == attachments
                && window.stage().getScene().lookup("#subjectLabel") instanceof javafx.scene.control.Label label
                && subject.equals(label.getText()), 60);
    }

    private static void open(MainWindow window, TableView<MessageSummary> messages, int attachments, int round)
            throws Exception {
        TableView<?> table = UiLoadBenchmark.table(window, "#attachmentsTable");
        AtomicLong listedAt = new AtomicLong();
        ListChangeListener<Object> listed = change -> {
            if (table.getItems().size() == attachments && listedAt.get() == 0) {
                listedAt.set(System.nanoTime());
            }
        };
        FxResponsiveness.GapTimeline timeline = HeadlessFx.fx(() -> {
            @SuppressWarnings("unchecked")
            TableView<Object> any = (TableView<Object>) table;
            any.getItems().addListener(listed);
            window.pulses().reset();
            return new FxResponsiveness.GapTimeline();
        });
        long start = HeadlessFx.fx(() -> {
            long now = System.nanoTime();
            for (int i = 0; i < messages.getItems().size(); i++) {
                if (messages.getItems().get(i).subject().equals("Large")) {
                    messages.getSelectionModel().clearAndSelect(i);
                }
            }
            return now;
        });
        UiLoadBenchmark.await(() -> listedAt.get() != 0, 60);
        Thread.sleep(1000); // the pulses after the lists are filled: layout, the source's first page
        long gap = window.pulses().longestGapNanos();
        long cpu = HeadlessFx.fx(() -> {
            timeline.stop();
            @SuppressWarnings("unchecked")
            TableView<Object> any = (TableView<Object>) table;
            any.getItems().removeListener(listed);
            return timeline.cpuInLongest();
        });
        System.out.printf("round %d: parts and attachments listed %.0f ms after the message was selected; longest FX"
                + " pulse gap until 1 s after: %.0f ms (the FX thread ran %.0f ms of it), %d gaps over 100 ms%n",
                round, (listedAt.get() - start) / 1e6, gap / 1e6, cpu / 1e6, window.pulses().gapsOver100ms());
    }

    /** Shows the source tab and goes to its end, as "End" does; prints how long until the last row is drawn. */
    private static void lastLine(MainWindow window, int round) throws Exception {
        @SuppressWarnings("unchecked")
        ListView<Row> source = (ListView<Row>) window.stage().getScene().lookup("#sourceList");
        TabPane tabs = (TabPane) window.stage().getScene().lookup("#messageTabs");
        int last = HeadlessFx.fx(() -> source.getItems().size() - 1);
        long start = HeadlessFx.fx(() -> {
            window.pulses().reset();
            tabs.getSelectionModel().select(tabs.getTabs().stream().filter(t -> "sourceTab".equals(t.getId()))
                    .findFirst().orElseThrow());
            source.requestFocus();
            // As the End key does: the list scrolls just far enough for its last row to be seen.
            javafx.event.Event.fireEvent(source, new javafx.scene.input.KeyEvent(
                    javafx.scene.input.KeyEvent.KEY_PRESSED, "", "", javafx.scene.input.KeyCode.END, false, false,
                    false, false));
            return System.nanoTime();
        });
        UiLoadBenchmark.await(() -> Views.cells(source).stream().anyMatch(cell -> cell.getText() != null
                && !cell.getText().isEmpty() && cell instanceof javafx.scene.control.IndexedCell<?> indexed
                && indexed.getIndex() == last), 60);
        long shown = System.nanoTime() - start;
        Thread.sleep(500);
        System.out.printf("round %d: the source's last row (%,d rows) drawn %.0f ms after its tab was shown and"
                + " scrolled to the end; longest FX pulse gap: %.0f ms%n", round, last + 1, shown / 1e6,
                window.pulses().longestGapNanos() / 1e6);
        HeadlessFx.fx(() -> {
            tabs.getSelectionModel().select(tabs.getTabs().stream().filter(t -> "textTab".equals(t.getId()))
                    .findFirst().orElseThrow());
            return null;
        });
    }
}
