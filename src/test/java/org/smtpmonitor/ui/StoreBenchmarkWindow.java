package org.smtpmonitor.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javafx.animation.AnimationTimer;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.app.StoreBenchmark;

/**
 * The window's side of {@code bench/store.sh}: a cold start of the window (a JVM of its
 * own, JavaFX under Monocle) on mailboxes a server filled, timed from the JVM's launch to
 * the first pulse at which the mailboxes table holds every mailbox's count; then the heap.
 *
 * <pre>StoreBenchmarkWindow USERS DIR ADDRESS=COUNT...</pre>
 *
 * It knows the window only by what the user sees: the table {@code #mailboxesTable}, one
 * row a mailbox, a cell with its address and one with its count (a number, or its text
 * with or without thousands separators). So it serves whatever model the window has.
 */
public final class StoreBenchmarkWindow {

    private StoreBenchmarkWindow() {
    }

    public static void main(String[] args) throws Exception {
        long launched = Long.getLong("bench.launched",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        long timeoutSeconds = Long.getLong("bench.timeout", 60);
        Path users = Path.of(args[0]);
        Settings settings = Settings.defaults().withPort(0).withMailboxDirectory(Path.of(args[1]));
        Map<String, Long> expected = StoreBenchmark.expected(args, 2);
        // As MonitorApp does: the monitor starts while the toolkit does.
        MonitorStart starting = MonitorStart.begin(users, settings);
        HeadlessFx.start();
        StoreBenchmark.figure("windowToolkit", "ms", System.currentTimeMillis() - launched, "");
        CompletableFuture<Long> opened = new CompletableFuture<>();
        CompletableFuture<Long> shown = new CompletableFuture<>();
        Stage stage = HeadlessFx.fx(Stage::new);
        Launcher launcher = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings, owner -> null, owner -> null, stage, System.err);
            l.launch(starting);
            // Looked at once a pulse, before the pulse lays out and renders what it finds.
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    if (!opened.isDone() && rows(stage.getScene()) != null) {
                        opened.complete(System.currentTimeMillis());
                    }
                    if (countsShown(stage.getScene(), expected)) {
                        shown.complete(System.currentTimeMillis());
                        stop();
                    }
                }
            }.start();
            return l;
        });
        try {
            long at = shown.get(timeoutSeconds, TimeUnit.SECONDS);
            StoreBenchmark.figure("windowCounts", "ms", at - launched, "");
        } catch (TimeoutException e) {
            String seen = HeadlessFx.fx(() -> describe(stage.getScene()));
            StoreBenchmark.figure("windowCounts", "ms", null, "not shown within " + timeoutSeconds + " s; the table shows "
                    + seen);
        }
        StoreBenchmark.figure("windowTable", "ms", opened.isDone() ? opened.get() - launched : null,
                opened.isDone() ? "" : "no #mailboxesTable");
        StoreBenchmark.heap("windowHeap");
        MainWindow window = launcher.window();
        if (window != null) {
            HeadlessFx.fx(() -> {
                window.close();
                return null;
            });
            window.closed().get(60, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** Every row of the mailboxes table has an expected address and that address's count. */
    static boolean countsShown(Scene scene, Map<String, Long> expected) {
        List<List<Object>> rows = rows(scene);
        if (rows == null || rows.size() != expected.size()) {
            return false;
        }
        for (List<Object> cells : rows) {
            Long count = cells.stream().map(String::valueOf).filter(expected::containsKey).findFirst()
                    .map(expected::get).orElse(null);
            if (count == null || cells.stream().noneMatch(cell -> isCount(cell, count))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCount(Object cell, long count) {
        if (cell instanceof Number number) {
            return number.longValue() == count;
        }
        return cell != null && cell.toString().replaceAll("[,.'\\s\u00a0\u202f]", "").equals(Long.toString(count));
    }

    /** The cells of the mailboxes table, row by row, or null when there is no such table yet. */
    private static List<List<Object>> rows(Scene scene) {
        Node node = scene == null ? null : scene.lookup("#mailboxesTable");
        if (!(node instanceof TableView<?> table)) {
            return null;
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < table.getItems().size(); i++) {
            List<Object> cells = new ArrayList<>();
            for (TableColumn<?, ?> column : table.getVisibleLeafColumns()) {
                cells.add(column.getCellData(i));
            }
            rows.add(cells);
        }
        return rows;
    }

    private static String describe(Scene scene) {
        List<List<Object>> rows = rows(scene);
        if (rows == null) {
            return "no #mailboxesTable";
        }
        return rows.isEmpty() ? "no rows" : String.format(Locale.ROOT, "%d rows, the first %s", rows.size(), rows.get(0));
    }
}
