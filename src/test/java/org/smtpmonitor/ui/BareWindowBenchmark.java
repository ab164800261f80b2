package org.smtpmonitor.ui;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javafx.animation.AnimationTimer;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import org.smtpmonitor.app.StoreBenchmark;

/**
 * The floor under {@link StoreBenchmarkWindow}'s cold start, for {@code bench/store.sh}: a
 * JVM of its own that starts JavaFX the same way (Monocle, software rendering), applies
 * the same theme, and shows a bare window holding one table of ten rows of five columns,
 * no FXML, no monitor, no index. Timed from the JVM's launch to the second pulse after the
 * window is shown (its first frame drawn): what a JavaFX window with a table costs here,
 * launched as the window is, which no work of the monitor's can go below.
 *
 * <pre>BareWindowBenchmark</pre>
 */
public final class BareWindowBenchmark {

    private BareWindowBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long launched = Long.getLong("bench.launched",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        HeadlessFx.start();
        StoreBenchmark.figure("bareToolkit", "ms", System.currentTimeMillis() - launched, "");
        CompletableFuture<Long> shown = new CompletableFuture<>();
        HeadlessFx.fx(() -> {
            Theme.LIGHT.apply();
            TableView<String[]> table = new TableView<>();
            for (int c = 0; c < 5; c++) {
                int column = c;
                TableColumn<String[], String> tableColumn = new TableColumn<>("Column " + c);
                tableColumn.setCellValueFactory(row -> new SimpleStringProperty(row.getValue()[column]));
                table.getColumns().add(tableColumn);
            }
            for (int r = 0; r < 10; r++) {
                table.getItems().add(new String[] {"user" + r + "@bench.test", "100,000", "0", "97.7 MB", "18:00"});
            }
            Stage stage = new Stage();
            stage.setScene(new Scene(table, 1280, 800));
            stage.show();
            // The second pulse after the show, when the first frame has been drawn: the window's
            // counts are found a pulse after its table, so its figure holds a frame too, and the
            // floor is not set lower by leaving that frame out.
            new AnimationTimer() {
                private int pulses;

                @Override
                public void handle(long now) {
                    if (++pulses == 2) {
                        shown.complete(System.currentTimeMillis());
                        stop();
                    }
                }
            }.start();
            return null;
        });
        int status = 1;
        try {
            StoreBenchmark.figure("bareWindow", "ms", shown.get(60, TimeUnit.SECONDS) - launched, "");
            status = 0;
        } finally {
            // The toolkit keeps the JVM alive (HeadlessFx turns implicit exit off): a failure must end it too.
            System.exit(status);
        }
    }
}
