package org.smtpmonitor.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.SourceLines.Row;

/**
 * How the message inspector opens a 25 MB message with 10 attachments, sent over SMTP by Angus
 * Mail to a real window (headless, software rendering): the time from selecting the message
 * to its parts being listed, with the Parts tab on view, and the longest gap between FX pulses
 * meanwhile (and for a second after); then the same on the Text tab, until its envelope, text
 * and count of attachments are shown (the tabs not on view are filled when chosen); then the
 * time until its source's last line is drawn, reached with "End". Each is measured
 * {@code bench.rounds} times, a small message selected in between; the first round runs on a
 * cold JIT. Prints figures, asserts nothing.
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
            // As a user who looks at the message's parts: the Parts tab is on view as it opens.
            select(window, messages, "Small", "partsTab");
            Thread.sleep(1000);
            long partsWanted = 2L + attachments + 2; // the message, its alternative with text and HTML, the files
            open(window, messages, "parts listed", round, () -> {
                TreeTableView<?> tree = (TreeTableView<?>) window.stage().getScene().lookup("#partsTree");
                return tree.getRoot() != null && tree.getExpandedItemCount() == partsWanted;
            });
            // As a user who reads it: on the Text tab.
            select(window, messages, "Small", "textTab");
            Thread.sleep(1000);
            open(window, messages, "envelope, text and attachment count shown", round, () ->
                    window.stage().getScene().lookup("#subjectLabel") instanceof javafx.scene.control.Label label
                            && label.getText().equals("Large") && tab(window, "attachmentsTab").getText()
                            .equals("Attachments (" + attachments + ")") && text(window).equals("A large message."));
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

    private static Tab tab(MainWindow window, String id) {
        TabPane tabs = (TabPane) window.stage().getScene().lookup("#messageTabs");
        return tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow();
    }

    private static String text(MainWindow window) {
        return ((TextArea) window.stage().getScene().lookup("#textArea")).getText().strip();
    }

    /** Selects the tab, and the message with this subject; waits until the inspector shows it. */
    private static void select(MainWindow window, TableView<MessageSummary> messages, String subject, String tabId)
            throws Exception {
        HeadlessFx.fx(() -> {
            choose(messages, subject);
            return null;
        });
        UiLoadBenchmark.await(() -> window.stage().getScene().lookup("#subjectLabel") instanceof javafx.scene.control.Label
                label && subject.equals(label.getText()), 60);
        HeadlessFx.fx(() -> {
            Tab tab = tab(window, tabId);
            tab.getTabPane().getSelectionModel().select(tab);
            return null;
        });
    }

    private static void choose(TableView<MessageSummary> messages, String subject) {
        for (int i = 0; i < messages.getItems().size(); i++) {
            if (messages.getItems().get(i).subject().equals(subject)) {
                messages.getSelectionModel().clearAndSelect(i);
            }
        }
    }

    /**
     * Selects the large message; prints how long until {@code shown} holds, and the longest FX
     * pulse gap from the selection until a second after (the layout of what was shown).
     */
    private static void open(MainWindow window, TableView<MessageSummary> messages, String what, int round,
                             BooleanSupplier shown) throws Exception {
        FxResponsiveness.GapTimeline timeline = HeadlessFx.fx(() -> {
            window.pulses().reset();
            return new FxResponsiveness.GapTimeline();
        });
        long start = HeadlessFx.fx(() -> {
            choose(messages, "Large");
            return System.nanoTime();
        });
        long shownAt = atPulse(shown);
        Thread.sleep(1000); // the pulses after: the layout of what was shown
        long gap = window.pulses().longestGapNanos();
        long[] cpu = HeadlessFx.fx(() -> {
            timeline.stop();
            return new long[] {timeline.cpuInLongest(), timeline.longestCpu(start, Long.MAX_VALUE)};
        });
        System.out.printf("round %d: %s %.0f ms after the message was selected; longest FX pulse gap until 1 s after:"
                + " %.0f ms (the FX thread ran %.0f ms of it; at most %.0f ms in one gap), %d gaps over 100 ms%n", round,
                what, (shownAt - start) / 1e6, gap / 1e6, cpu[0] / 1e6, cpu[1] / 1e6,
                window.pulses().gapsOver100ms());
    }

    /** Shows the source tab and goes to its end, as "End" does; prints how long until the last row is drawn. */
    /**
     * Waits until {@code condition} holds at a pulse (checked before the pulse lays out, so
     * that checking costs no layout of its own); returns when it was seen.
     */
    private static long atPulse(BooleanSupplier condition) throws Exception {
        AtomicLong seen = new AtomicLong();
        AnimationTimer watch = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (seen.get() == 0 && condition.getAsBoolean()) {
                    seen.set(System.nanoTime());
                }
            }
        };
        HeadlessFx.fx(() -> {
            watch.start();
            return null;
        });
        UiLoadBenchmark.await(() -> seen.get() != 0, 60);
        HeadlessFx.fx(() -> {
            watch.stop();
            return null;
        });
        return seen.get();
    }

    private static void lastLine(MainWindow window, int round) throws Exception {
        @SuppressWarnings("unchecked")
        ListView<Row> source = (ListView<Row>) window.stage().getScene().lookup("#sourceList");
        int[] last = new int[1];
        FxResponsiveness.GapTimeline timeline = HeadlessFx.fx(FxResponsiveness.GapTimeline::new);
        long start = HeadlessFx.fx(() -> {
            window.pulses().reset();
            long now = System.nanoTime();
            Tab tab = tab(window, "sourceTab");
            tab.getTabPane().getSelectionModel().select(tab);
            last[0] = source.getItems().size() - 1;
            source.requestFocus();
            // As the End key does: the list scrolls just far enough for its last row to be seen.
            javafx.event.Event.fireEvent(source, new javafx.scene.input.KeyEvent(
                    javafx.scene.input.KeyEvent.KEY_PRESSED, "", "", javafx.scene.input.KeyCode.END, false, false,
                    false, false));
            return now;
        });
        long shown = atPulse(() -> source.lookupAll(".list-cell").stream().anyMatch(node ->
                node instanceof IndexedCell<?> cell && cell.isVisible() && cell.getIndex() == last[0]
                        && cell.getText() != null && !cell.getText().isEmpty())) - start;
        Thread.sleep(500);
        long cpu = HeadlessFx.fx(() -> {
            timeline.stop();
            return timeline.longestCpu(start, Long.MAX_VALUE);
        });
        System.out.printf("round %d: the source's last row (%,d rows) drawn %.0f ms after its tab was shown and"
                + " scrolled to the end; longest FX pulse gap: %.0f ms (the FX thread ran at most %.0f ms in one gap)%n",
                round, last[0] + 1, shown / 1e6, window.pulses().longestGapNanos() / 1e6, cpu / 1e6);
        HeadlessFx.fx(() -> {
            Tab tab = tab(window, "textTab");
            tab.getTabPane().getSelectionModel().select(tab);
            return null;
        });
    }
}
