package org.smtpmonitor.ui;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;

/**
 * Puts the window where {@link WindowPlacement} says, with its remembered dividers and
 * maximised state, and reads them back when it closes. Every split pane with an id takes
 * part, whichever fxml file it comes from. The size and place remembered are those of the
 * window when last not maximised, so that un-maximising after a restart restores them.
 */
final class WindowLayout {

    private final Stage stage;
    private final Parent root;
    private Rectangle2D normalBounds;

    private WindowLayout(Stage stage, Parent root) {
        this.stage = stage;
        this.root = root;
    }

    /**
     * Places the stage (not yet shown) and its split panes; call before {@code stage.show()}.
     *
     * @param bounds where {@link WindowPlacement} put the window
     */
    static WindowLayout restore(Stage stage, Parent root, WindowState state, Rectangle2D bounds) {
        WindowLayout layout = new WindowLayout(stage, root);
        stage.setX(bounds.getMinX());
        stage.setY(bounds.getMinY());
        stage.setWidth(bounds.getWidth());
        stage.setHeight(bounds.getHeight());
        stage.setMaximized(state.maximized());
        layout.normalBounds = bounds;
        for (Map.Entry<String, SplitPane> pane : splitPanes(root).entrySet()) {
            double[] positions = state.dividers().get(pane.getKey());
            if (positions != null && positions.length == pane.getValue().getDividers().size()) {
                pane.getValue().setDividerPositions(positions);
            }
        }
        stage.xProperty().addListener(o -> layout.boundsChanged());
        stage.yProperty().addListener(o -> layout.boundsChanged());
        stage.widthProperty().addListener(o -> layout.boundsChanged());
        stage.heightProperty().addListener(o -> layout.boundsChanged());
        return layout;
    }

    private void boundsChanged() {
        if (!stage.isMaximized() && !stage.isIconified() && !stage.isFullScreen()) {
            normalBounds = new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
        }
    }

    /** What to remember of the window now, with the given look; on the FX thread. */
    WindowState capture(Theme theme, boolean themeChosen) {
        Map<String, double[]> dividers = new HashMap<>();
        splitPanes(root).forEach((id, pane) -> dividers.put(id, pane.getDividerPositions()));
        return new WindowState(theme, themeChosen, normalBounds, stage.isMaximized(), dividers);
    }

    private static Map<String, SplitPane> splitPanes(Parent root) {
        Map<String, SplitPane> panes = new HashMap<>();
        collect(root, panes);
        return panes;
    }

    /**
     * Walks the content, not the scene graph: before the first CSS pass a control has no skin,
     * so the panes inside a split pane or a tab are not yet anyone's children.
     */
    private static void collect(Node node, Map<String, SplitPane> panes) {
        if (node instanceof SplitPane pane) {
            if (pane.getId() != null) {
                panes.put(pane.getId(), pane);
            }
            pane.getItems().forEach(item -> collect(item, panes));
        } else if (node instanceof TabPane tabs) {
            tabs.getTabs().stream().map(Tab::getContent).filter(Objects::nonNull).forEach(content -> collect(content, panes));
        } else if (node instanceof ScrollPane scroll) {
            if (scroll.getContent() != null) {
                collect(scroll.getContent(), panes);
            }
        } else if (node instanceof Parent parent) {
            parent.getChildrenUnmodifiable().forEach(child -> collect(child, panes));
        }
    }
}
