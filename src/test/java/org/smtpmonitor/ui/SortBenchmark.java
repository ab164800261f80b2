package org.smtpmonitor.ui;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.MessageOrder;

/**
 * Sorting and scrolling a large mailbox in the window: an mbox file of {@code bench.messages}
 * messages (100,000 by default; 300 B to 2 KB each, 500 senders, 2,000 subjects) written
 * before the window starts, so the store indexes it at start, as {@link BigMailbox} does.
 * Then, for each column and direction, the column is chosen as a click on its header would,
 * and the list is scrolled down with the wheel through five pages (1,000 rows), each "load more" included,
 * after a warm-up that scrolls and sorts once. Prints how long each first page took, the
 * store's query alone, the longest gap between FX pulses (target: under 50 ms) and the most
 * CPU time the FX thread used in one gap: on a loaded machine the gaps are mostly the FX
 * thread waiting for a core, which its CPU time tells apart from the window's own work.
 *
 * <pre>mvn -B -ntp test-compile exec:java -Dexec.mainClass=org.smtpmonitor.ui.SortBenchmark -Dexec.classpathScope=test \
 *     [-Dbench.messages=100000] [-Dbench.dir=/tmp] [-Dbench.keep=true]</pre>
 */
public final class SortBenchmark {

    static final String ADDRESS = "big@example.com";
    static final int PAGES = 5;

    private SortBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("bench.messages", 100_000);
        Path work = Files.createTempDirectory(Path.of(System.getProperty("bench.dir",
                System.getProperty("java.io.tmpdir"))), "smtp-monitor-sort");
        try {
            run(work, messages);
        } finally {
            if (!Boolean.getBoolean("bench.keep")) {
                delete(work);
            }
        }
        System.exit(0);
    }

    private static void run(Path work, int messages) throws Exception {
        HeadlessFx.start();
        Path users = work.resolve("users.txt");
        Files.write(users, List.of(ADDRESS));
        Path mailbox = Files.createDirectories(work.resolve("mail")).resolve(ADDRESS + ".txt");
        long writing = System.nanoTime();
        write(mailbox, messages);
        System.out.printf("smtp-monitor, sorting and scrolling a mailbox of %,d messages (%,d MB mbox, written in %.1f s),"
                + " %d cores%n", messages, Files.size(mailbox) / 1_048_576, (System.nanoTime() - writing) / 1e9,
                Runtime.getRuntime().availableProcessors());
        Settings d = Settings.defaults();
        Settings settings = new Settings(d.bindAddress(), 0, work.resolve("mail"), MailboxFormat.MBOX,
                d.defaultDomain(), d.maxMessageSize(), d.maxConnections(), d.idleTimeout(), false);
        Launcher launcher = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings, owner -> null, owner -> null, new Stage(), System.err);
            l.launch(users);
            return l;
        });
        long starting = System.nanoTime();
        UiLoadBenchmark.await(() -> launcher.window() != null, 60);
        MainWindow window = launcher.window();
        UiLoadBenchmark.await(() -> window.model().mailboxes().get(0).messagesProperty().get() == messages, 600);
        // Sorting by subject or sender needs the headers, which the index reads after the places.
        window.monitor().store().awaitIndexed();
        System.out.printf("indexed, headers and words too, %.1f s after the window was launched%n",
                (System.nanoTime() - starting) / 1e9);

        TableView<MessageSummary> table = UiLoadBenchmark.table(window, "#messagesTable");
        HeadlessFx.fx(() -> {
            UiLoadBenchmark.table(window, "#mailboxesTable").getSelectionModel().select(0);
            return null;
        });
        UiLoadBenchmark.await(() -> table.getItems().size() == MessageListViewModel.PAGE + 1, 60);
        MailController mail = window.mailController();
        // A warm-up, not measured: scrolling through the list as it opened, then sorted once, so
        // that what follows measures the window, not the JIT compiling the code it runs.
        scroll(table);
        sortAndScroll(window, table, mail.messageSizeColumn, TableColumn.SortType.DESCENDING, null);
        HeadlessFx.fx(() -> {
            table.getSortOrder().clear();
            return null;
        });
        Thread.sleep(2000);
        List<TableColumn<MessageSummary, String>> columns = List.of(mail.messageSubjectColumn, mail.messageSizeColumn,
                mail.messageFromColumn, mail.messageSenderColumn, mail.messageReceivedColumn);
        FxResponsiveness.GapTimeline timeline = HeadlessFx.fx(() -> {
            window.pulses().reset();
            return new FxResponsiveness.GapTimeline();
        });
        long begun = System.nanoTime();
        System.out.printf("%-26s %12s %12s %14s %14s %14s%n", "order", "first page", "query alone", "scroll 5 pages",
                "longest gap", "most FX CPU");
        List<String> phases = new ArrayList<>();
        List<Long> phaseStarts = new ArrayList<>();
        for (TableColumn<MessageSummary, String> column : columns) {
            for (TableColumn.SortType type : TableColumn.SortType.values()) {
                phases.add(column.getText() + " " + type.name().toLowerCase(Locale.ROOT));
                phaseStarts.add(System.nanoTime());
                sortAndScroll(window, table, column, type, timeline);
            }
        }
        double seconds = (System.nanoTime() - begun) / 1e9;
        long longest = window.pulses().longestGapNanos();
        long fxCpu = HeadlessFx.fx(timeline::cpuInLongest);
        System.out.printf("longest gap between FX pulses over the %.0f s of sorting and scrolling: %.0f ms (target < 50 ms;"
                + " the FX thread's CPU in it: %.0f ms); median gap %.1f ms; %,d pulses, %d gaps over 100 ms%n",
                seconds, longest / 1e6, fxCpu / 1e6, HeadlessFx.fx(timeline::median) / 1e6, window.pulses().pulses(),
                window.pulses().gapsOver100ms());
        System.out.printf("the most CPU the FX thread used between two pulses (its own work, whatever the load of the"
                + " machine): %.0f ms; load average at the end: %s%n", HeadlessFx.fx(timeline::longestCpu) / 1e6,
                loadAverage());
        long first = HeadlessFx.fx(timeline::firstPulseNanos);
        StringBuilder busiest = new StringBuilder("the gaps with the most FX CPU:");
        for (long[] gap : HeadlessFx.fx(() -> timeline.busiest(5))) {
            int phase = 0;
            while (phase + 1 < phaseStarts.size() && phaseStarts.get(phase + 1) <= first + gap[0]) {
                phase++;
            }
            busiest.append(String.format(Locale.ROOT, " %.0f ms of %.0f (%s, %.1f s in);", gap[2] / 1e6, gap[1] / 1e6,
                    phases.get(phase), (first + gap[0] - phaseStarts.get(phase)) / 1e9));
        }
        System.out.println(busiest);
        HeadlessFx.fx(() -> {
            timeline.stop();
            window.close();
            return null;
        });
        window.closed().get();
    }

    /** Chooses the column as a click on its header would, then scrolls through {@link #PAGES} pages. */
    private static void sortAndScroll(MainWindow window, TableView<MessageSummary> table,
                                      TableColumn<MessageSummary, String> column, TableColumn.SortType type,
                                      FxResponsiveness.GapTimeline timeline) throws Exception {
        window.pulses().takeLongestGapNanos();
        int before = HeadlessFx.fx(() -> window.messageList().reloadsProperty().get());
        long clicked = System.nanoTime();
        HeadlessFx.fx(() -> {
            column.setSortType(type);
            table.getSortOrder().setAll(List.of(column));
            table.scrollTo(0);
            return null;
        });
        MessageOrder order = HeadlessFx.fx(() -> window.messageList().orderProperty().get());
        UiLoadBenchmark.await(() -> window.messageList().reloadsProperty().get() > before, 60);
        long firstPage = System.nanoTime() - clicked;
        long scrolling = System.nanoTime();
        scroll(table);
        long pages = System.nanoTime() - scrolling + firstPage;
        long longestGap = window.pulses().takeLongestGapNanos();
        long end = System.nanoTime();
        if (timeline == null) {
            return;
        }
        long mostCpu = HeadlessFx.fx(() -> timeline.longestCpu(clicked, end));
        MailboxDirectory store = window.monitor().mail();
        long query = queryNanos(store, order);
        System.out.printf("%-26s %9.0f ms %9.1f ms %11.0f ms %11.0f ms %11.0f ms%n", describe(order), firstPage / 1e6,
                query / 1e6, pages / 1e6, longestGap / 1e6, mostCpu / 1e6);
    }

    /**
     * Scrolls down the list with the mouse wheel, 12 notches (480 pixels, 20 rows) every 20 ms,
     * until {@link #PAGES} pages are listed: each "load more" row is reached as a user reaches
     * it. Not with {@code scrollTo(row)}: for the last row, JavaFX's estimate of the rows'
     * heights can stop it a few pixels short, so the row that loads more is never laid out.
     */
    private static void scroll(TableView<MessageSummary> table) throws Exception {
        for (int page = 1; page < PAGES; page++) {
            int listed = page * MessageListViewModel.PAGE + 1;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (HeadlessFx.fx(() -> table.getItems().size() <= listed)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("page " + (page + 1) + " not listed after 60 s of scrolling: "
                            + HeadlessFx.fx(() -> table.getItems().size()) + " rows");
                }
                HeadlessFx.fx(() -> {
                    Wheel.down(table, 12);
                    return null;
                });
                Thread.sleep(20);
            }
        }
    }

    /** The store's first page in {@code order} alone: the median of five, off the FX thread. */
    private static long queryNanos(MailboxDirectory store, MessageOrder order) throws IOException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            store.messages(ADDRESS, order, 0, MessageListViewModel.PAGE + 1);
            times.add(System.nanoTime() - start);
        }
        times.sort(Comparator.naturalOrder());
        return times.get(2);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    private static String describe(MessageOrder order) {
        return order.key().name().toLowerCase(Locale.ROOT).replace('_', ' ') + (order.descending() ? ", descending"
                : ", ascending");
    }

    /** An mbox file of {@code count} messages of 300 B to 2 KB, from 500 senders, with 2,000 subjects. */
    private static void write(Path file, int count) throws IOException {
        String[] words = {"invoice", "Report", "lunch", "Meeting", "release", "build", "Alert", "weekly", "digest",
            "order", "Shipping", "password", "welcome", "newsletter", "reminder", "Receipt"};
        Random random = new Random(42);
        String line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do.\n";
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < count; i++) {
                int sender = random.nextInt(500);
                int day = 1 + i * 28 / count;
                String subject = words[random.nextInt(words.length)] + " " + random.nextInt(125) + " "
                        + words[random.nextInt(words.length)];
                StringBuilder message = new StringBuilder(2048)
                        .append("From sender").append(sender).append("@test.org Tue Nov ").append(String.format("%02d", day))
                        .append(" 08:00:00 2026\n")
                        .append("From: Sender ").append(sender).append(" <sender").append(sender).append("@test.org>\n")
                        .append("To: ").append(ADDRESS).append("\nSubject: ").append(subject)
                        .append("\nDate: Tue, ").append(day).append(" Nov 2026 08:00:00 +0000\n\n");
                int lines = 2 + random.nextInt(28);
                for (int l = 0; l < lines; l++) {
                    message.append(line);
                }
                message.append('\n');
                out.write(message.toString());
            }
        }
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
