package org.smtpmonitor.ui;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

import org.smtpmonitor.message.ParsedMessage;

/** Stands in for the rendered HTML view until it is wired in: says that the message has HTML, and where it is. */
final class PlaceholderHtmlPane implements HtmlPane {

    private final Label label = new Label("HTML view");
    private final StackPane pane = new StackPane(label);

    PlaceholderHtmlPane() {
        pane.setId("htmlPlaceholder");
    }

    @Override
    public Node node() {
        return pane;
    }

    @Override
    public void show(long id, ParsedMessage message) {
        label.setText("HTML view");
    }

    @Override
    public void clear() {
        label.setText("");
    }
}
