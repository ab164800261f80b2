package org.smtpmonitor.ui;

import java.util.Set;
import java.util.concurrent.Callable;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.input.MouseButton;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
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
 * <p>An uncaught exception during a test (TestFX catches those of every thread) fails that
 * test, after its window closed, and no later one: TestFX keeps them and throws one at each
 * later robot call.
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
            } catch (RuntimeException e) {
                throw e;
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
        Node[] visible = new Node[1];
        int found;
        try {
            found = onFxThread(() -> {
                Set<Node> all = lookup(query).queryAll();
                visible[0] = from(all).match(NodeQueryUtils.isVisible()).tryQuery().orElse(null);
                return all.size();
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot look up " + query, e);
        }
        if (found == 0) {
            throw new FxRobotException("the query \"" + query + "\" returned no nodes.");
        }
        if (visible[0] == null) {
            throw new FxRobotException("the query \"" + query + "\" returned " + found + " nodes, but no nodes"
                    + " were visible.");
        }
        return visible[0];
    }

    /**
     * Runs {@code call} on the FX thread, through {@link HeadlessFx#fx}, not TestFX's asyncFx,
     * which keeps what the call throws to throw it again at a later call: here it is thrown to
     * this caller only, as TestFX's own robot throws it (a node outside its scene, say).
     */
    private static <T> T onFxThread(Callable<T> call) throws Exception {
        return HeadlessFx.fx(call);
    }

    /**
     * Fails a test with the uncaught exceptions TestFX caught during it (the FX thread's, or any
     * thread's: it handles them all), the first with up to 9 more suppressed; clears them
     * before each test, so that a test is failed for its own only.
     */
    static final class FxExceptions implements BeforeEachCallback, AfterEachCallback {
        private static final int REPORTED = 10;

        @Override
        public void beforeEach(ExtensionContext context) {
            WaitForAsyncUtils.clearExceptions();
        }

        @Override
        public void afterEach(ExtensionContext context) throws Exception {
            Throwable first = null;
            // Each check waits for the FX thread's events first: a few, not a queue's worth.
            for (int i = 0; i < REPORTED; i++) {
                try {
                    WaitForAsyncUtils.checkException();
                    break;
                } catch (Throwable thrown) {
                    if (first == null) {
                        first = thrown;
                    } else {
                        first.addSuppressed(thrown);
                    }
                }
            }
            WaitForAsyncUtils.clearExceptions();
            if (first != null) {
                throw new AssertionError("an uncaught exception during this test (on the FX thread or another)", first);
            }
        }
    }
}
