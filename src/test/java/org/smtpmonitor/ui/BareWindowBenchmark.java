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
 * no FXML, no monitor, no index. Timed the same way, from the JVM's launch to the first
 * pulse after the window is shown: what any JavaFX window with a table costs here, which
 * no work of the monitor's can go below.
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
            // The first pulse after the show, as StoreBenchmarkWindow looks once a pulse.
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    shown.complete(System.currentTimeMillis());
                    stop();
                }
            }.start();
            return null;
        });
        StoreBenchmark.figure("bareWindow", "ms", shown.get(60, TimeUnit.SECONDS) - launched, "");
        System.exit(0);
    }
}
