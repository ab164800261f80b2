package org.smtpmonitor.ui;

import javafx.scene.Node;

import org.smtpmonitor.message.ParsedMessage;

/**
 * What the inspector's HTML tab shows. It is made the first time the tab is selected, not with
 * the window: the real one holds a WebView, which is costly to start (the window's cold start
 * is measured). Called on the FX thread.
 */
interface HtmlPane {

    /** The node to put in the tab, the same one every time. */
    Node node();

    /**
     * Shows the HTML body of message {@code id}. The message has one ({@link ParsedMessage#htmlPart}
     * is present); decoding and sanitising it are the pane's business, off the FX thread.
     */
    void show(long id, ParsedMessage message);

    /** Shows nothing: no message is selected, or the selected one has no HTML. */
    void clear();
}
