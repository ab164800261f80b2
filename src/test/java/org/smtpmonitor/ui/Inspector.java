package org.smtpmonitor.ui;

import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.util.List;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;

import org.smtpmonitor.message.Part;
import org.smtpmonitor.message.SourceLines.Row;
import org.testfx.api.FxRobot;

/** Reads the message inspector as the user sees it: its envelope, tabs and what they show. */
final class Inspector {

    private final FxRobot robot;

    Inspector(FxRobot robot) {
        this.robot = robot;
    }

    TabPane tabs() {
        return robot.lookup("#messageTabs").queryAs(TabPane.class);
    }

    Tab tab(String id) {
        return tabs().getTabs().stream().filter(tab -> id.equals(tab.getId())).findFirst().orElseThrow();
    }

    Tab selectedTab() {
        return tabs().getSelectionModel().getSelectedItem();
    }

    /** Clicks the header of the tab of this id ({@code sourceTab}, ...). */
    void open(String tabId) throws Exception {
        javafx.scene.Node header = fx(() -> robot.lookup(".tab").match(
                (javafx.scene.Node node) -> tabId.equals(node.getId())).query());
        robot.clickOn(header);
        await(tabId + " is selected", () -> tabId.equals(selectedTab().getId()));
    }

    String label(String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    /** Waits until the envelope shows a message whose subject is {@code subject}. */
    void awaitSubject(String subject) throws Exception {
        await("the inspector shows " + subject, () -> robot.lookup("#envelopeBox").tryQuery().map(Node::isVisible)
                .orElse(false) && subject.equals(label("#subjectLabel")), () -> label("#messageState"));
    }

    @SuppressWarnings("unchecked")
    ListView<Row> sourceList() {
        return robot.lookup("#sourceList").queryAs(ListView.class);
    }

    /** The rendered rows of the source tab, top to bottom (select the tab first). */
    List<String> sourceRows() {
        return Views.cells(sourceList()).stream().map(cell -> cell.getText() == null ? "" : cell.getText()).toList();
    }

    /**
     * Every row of the source of a small message (one page of rows), as the list holds them
     * for its cells, once it has read them.
     */
    List<String> allSourceRows() throws Exception {
        await("the source's first rows are read", () -> !sourceList().getItems().isEmpty()
                && !sourceList().getItems().get(0).text().isEmpty());
        return fx(() -> sourceList().getItems().stream().map(Row::text).toList());
    }

    /** Waits until the source tab shows these rows from its top. */
    void awaitSource(List<String> rows) throws Exception {
        await("the source shows " + rows, () -> sourceRows().equals(rows), this::sourceRows);
    }

    String text() {
        return robot.lookup("#textArea").queryAs(TextArea.class).getText();
    }

    @SuppressWarnings("unchecked")
    TableView<Inspected.HeaderRow> headers() {
        return robot.lookup("#headersTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    TableView<Inspected.AttachmentRow> attachments() {
        return robot.lookup("#attachmentsTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    TreeTableView<Part> parts() {
        return robot.lookup("#partsTree").queryAs(TreeTableView.class);
    }

    /** Every part of the tree, depth first, as "path type". */
    List<String> partList() {
        List<String> parts = new java.util.ArrayList<>();
        TreeItem<Part> root = parts().getRoot();
        if (root != null) {
            addAll(root, parts);
        }
        return parts;
    }

    private static void addAll(TreeItem<Part> item, List<String> into) {
        into.add(item.getValue().path() + " " + item.getValue().contentType());
        item.getChildren().forEach(child -> addAll(child, into));
    }

    static <T> T onFx(java.util.concurrent.Callable<T> callable) throws Exception {
        return fx(callable);
    }
}
