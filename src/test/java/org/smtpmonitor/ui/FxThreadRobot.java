package org.smtpmonitor.ui;

import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testfx.api.FxRobot;
import org.testfx.service.locator.BoundsLocator;
import org.testfx.service.query.PointQuery;
import org.testfx.service.query.impl.CallableBoundsPointQuery;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The tests' robot: TestFX's, except that where a node is on the screen is worked out on the
 * FX thread. TestFX reads a node's bounds on the test's own thread, and reading bounds not yet
 * computed computes them, writing the cache of every parent on the way while the FX thread
 * lays the same nodes out: a parent left with stale indices throws
 * {@code IndexOutOfBoundsException} in every later pulse that measures it (and a label's text
 * can render from a half-made layout). Every click, move and drag on a node or a query goes
 * through {@link #point(Node)}, so this one method covers them all.
 *
 * <p>An exception the FX thread threw during a test fails that test, after its window closed,
 * and no later one: TestFX keeps such exceptions and throws one at each later robot call.
 */
@ExtendWith(FxThreadRobot.FxExceptions.class)
class FxThreadRobot extends FxRobot {

    @Override
    public PointQuery point(Node node) {
        targetWindow(node.getScene().getWindow());
        BoundsLocator locator = robotContext().getBoundsLocator();
        return new CallableBoundsPointQuery(() -> onFxThread(() -> locator.boundsOnScreenFor(node)), node)
                .onNode(node)
                .atPosition(robotContext().getPointPosition());
    }

    private static Bounds onFxThread(java.util.concurrent.Callable<Bounds> bounds) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return bounds.call();
        }
        return WaitForAsyncUtils.asyncFx(bounds).get(20, TimeUnit.SECONDS);
    }

    /** Fails a test with the exceptions the FX thread threw during it (the first, the rest suppressed). */
    static final class FxExceptions implements AfterEachCallback {
        @Override
        public void afterEach(ExtensionContext context) throws Exception {
            Throwable first = null;
            for (int i = 0; i < 1_000; i++) {
                try {
                    WaitForAsyncUtils.checkException();
                    break;
                } catch (Throwable thrown) {
                    if (first == null) {
                        first = thrown;
                    } else if (first.getSuppressed().length < 10) {
                        first.addSuppressed(thrown);
                    }
                }
            }
            WaitForAsyncUtils.clearExceptions();
            if (first != null) {
                throw new AssertionError("the FX thread threw during this test", first);
            }
        }
    }
}
