package org.smtpmonitor.ui;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.input.MouseButton;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testfx.api.FxRobot;
import org.testfx.api.FxRobotException;
import org.testfx.robot.Motion;
import org.testfx.service.locator.BoundsLocator;
import org.testfx.service.query.BoundsQuery;
import org.testfx.service.query.PointQuery;
import org.testfx.service.query.impl.CallableBoundsPointQuery;
import org.testfx.util.NodeQueryUtils;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The tests' robot: TestFX's, except that where a node is on the screen, and which node a
 * query's visible one is, are worked out on the FX thread. TestFX reads a node's bounds on the
 * test's own thread, and reading bounds not yet computed computes them, writing the cache of
 * every parent on the way while the FX thread lays the same nodes out: a parent left with
 * stale indices throws {@code IndexOutOfBoundsException} in every later pulse that measures it
 * (and a label's text can render from a half-made layout). A click, move or drag on a node
 * goes through {@link #point(Node)}; one on a query ({@code clickOn("#id")}) first picks the
 * visible node, measuring each match, so those are overridden here to pick it on the FX thread.
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

    @Override
    public BoundsQuery bounds(Node node) {
        return () -> {
            try {
                return onFxThread(() -> robotContext().getBoundsLocator().boundsOnScreenFor(node));
            } catch (Exception e) {
                throw new IllegalStateException("cannot measure " + node, e);
            }
        };
    }

    @Override
    public FxRobot clickOn(String query, Motion motion, MouseButton... buttons) {
        return clickOn(visibleNode(query), motion, buttons);
    }

    @Override
    public FxRobot rightClickOn(String query, Motion motion) {
        return rightClickOn(visibleNode(query), motion);
    }

    @Override
    public FxRobot doubleClickOn(String query, Motion motion, MouseButton... buttons) {
        return doubleClickOn(visibleNode(query), motion, buttons);
    }

    @Override
    public FxRobot moveTo(String query, Motion motion) {
        return moveTo(visibleNode(query), robotContext().getPointPosition(), Point2D.ZERO, motion);
    }

    @Override
    public FxRobot drag(String query, MouseButton... buttons) {
        return drag(visibleNode(query), buttons);
    }

    @Override
    public FxRobot dropTo(String query) {
        return dropTo(visibleNode(query));
    }

    /** The first visible node {@code query} finds (as TestFX picks it), found on the FX thread. */
    private Node visibleNode(String query) {
        // Nothing is thrown on the FX thread: TestFX would keep it, to throw at a later call.
        Set<Node> found;
        Node visible;
        try {
            found = onFxThread(() -> lookup(query).queryAll());
            visible = onFxThread(() -> lookup(query).match(NodeQueryUtils.isVisible()).tryQuery().orElse(null));
        } catch (Exception e) {
            throw new IllegalStateException("cannot look up " + query, e);
        }
        if (found.isEmpty()) {
            throw new FxRobotException("the query \"" + query + "\" returned no nodes.");
        }
        if (visible == null) {
            throw new FxRobotException("the query \"" + query + "\" returned " + found.size() + " nodes, but no nodes"
                    + " were visible.");
        }
        return visible;
    }

    private static <T> T onFxThread(java.util.concurrent.Callable<T> call) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return call.call();
        }
        return WaitForAsyncUtils.asyncFx(call).get(20, TimeUnit.SECONDS);
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
