package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javafx.animation.AnimationTimer;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxRobotException;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The tests' robot never measures a node off the FX thread. With TestFX's own robot this test
 * fails within a second or two: the row's cached bounds are corrupted and a later pulse throws
 * {@code IndexOutOfBoundsException: Index -1 out of bounds for length 5}, or the renderer draws
 * a label from a half-made text layout (a NullPointerException it prints). That is what failed
 * 75 window tests in one CI run: after one such click every later robot call threw it.
 */
class RobotThreadTest {

    private Stage stage;
    private HBox row;
    private AnimationTimer churn;

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        WaitForAsyncUtils.clearExceptions();
        AtomicInteger pulses = new AtomicInteger();
        fx(() -> {
            row = new HBox();
            row.setId("churning");
            for (int i = 0; i < 5; i++) {
                row.getChildren().add(new Label("cell " + i));
            }
            stage = new Stage();
            stage.setScene(new Scene(new VBox(new Label("above"), row), 480, 320));
            stage.show();
            // Every pulse changes the row's cells, as a table's rows change while a test clicks them.
            churn = new AnimationTimer() {
                @Override
                public void handle(long now) {
                    int pulse = pulses.incrementAndGet();
                    for (int i = 0; i < row.getChildren().size(); i++) {
                        Label label = (Label) row.getChildren().get(i);
                        label.setText("cell " + i + " " + "x".repeat((pulse + i) % 40));
                        label.setTranslateY((pulse + i) % 7);
                    }
                }
            };
            churn.start();
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        fx(() -> {
            churn.stop();
            stage.close();
            return null;
        });
        WaitForAsyncUtils.clearExceptions();
    }

    @Test
    void whereANodeIsIsWorkedOutOnTheFxThreadSoTheWindowIsNeverCorrupted() throws Throwable {
        FxRobot robot = new FxThreadRobot();
        hammer(() -> robot.point(row).query());
    }

    /** A query ({@code clickOn("#id")}) is resolved on the FX thread as TestFX would: its visible match, or a clear error. */
    @Test
    void aQueryClicksItsVisibleMatchAndOneWithNoneSaysWhy() throws Exception {
        FxRobot robot = new FxThreadRobot();
        AtomicInteger hiddenClicks = new AtomicInteger();
        AtomicInteger shownClicks = new AtomicInteger();
        fx(() -> {
            Button hidden = new Button("Hidden");
            hidden.setId("same");
            hidden.setVisible(false);
            hidden.setOnAction(e -> hiddenClicks.incrementAndGet());
            Button shown = new Button("Shown");
            shown.setId("same");
            shown.setOnAction(e -> shownClicks.incrementAndGet());
            Button onlyHidden = new Button("Hidden only");
            onlyHidden.setId("onlyHidden");
            onlyHidden.setVisible(false);
            ((VBox) stage.getScene().getRoot()).getChildren().addAll(hidden, shown, onlyHidden);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#same");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, shownClicks.get());
        assertEquals(0, hiddenClicks.get());
        FxRobotException none = assertThrows(FxRobotException.class, () -> robot.clickOn("#nowhere"));
        assertEquals("the query \"#nowhere\" returned no nodes.", none.getMessage());
        FxRobotException invisible = assertThrows(FxRobotException.class, () -> robot.moveTo("#onlyHidden"));
        assertTrue(invisible.getMessage().contains("no nodes were visible"), invisible.getMessage());
    }

    /** Asks {@code where} for 3 s while the row changes every pulse; nothing may go wrong on any thread. */
    private void hammer(Callable<Point2D> where) throws Throwable {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(new Tee(err, printed), true, StandardCharsets.UTF_8));
        Point2D point = null;
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                point = where.call();
            }
            // The pulses after the last query, which would meet a corrupted cache.
            WaitForAsyncUtils.sleep(200, TimeUnit.MILLISECONDS);
        } finally {
            System.setErr(err);
        }
        WaitForAsyncUtils.checkException();
        // Other threads of the JVM may print; a stack trace of JavaFX's is what the race leaves.
        String text = printed.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("at com.sun.javafx.") || text.contains("at javafx."), text);
        if (point != null) {
            assertOnRow(point);
        }
    }

    private void assertOnRow(Point2D point) throws Exception {
        Bounds onScreen = fx(() -> row.localToScreen(row.getBoundsInLocal()));
        assertTrue(onScreen.contains(point), point + " in " + onScreen);
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
