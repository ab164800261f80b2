package org.smtpmonitor.ui;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.DragEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.Node;
import javafx.scene.layout.VBox;
import javafx.scene.web.WebEngine;
import javafx.scene.web.WebView;

import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.RemoteContent;
import org.smtpmonitor.message.SafeHtml;

/**
 * The HTML of one message, rendered, safely: made safe by {@link SafeHtml} on
 * {@code sanitising} (never on the FX thread), shown in a WebView with JavaScript off, with
 * nothing remote fetched until the user asks, for that message only, through the bar that says
 * how many remote resources were blocked. Links are handed to {@code openLink}; the view itself
 * never navigates: a click on a link is stopped in the page ({@link LinkGuard}), and any other
 * navigation is cancelled when it starts.
 *
 * <p>The WebView is made on the first {@link #show}: WebKit costs the window's cold start
 * otherwise.
 */
final class HtmlView extends VBox implements HtmlPane {

    private final Executor sanitising;
    private final Consumer<String> openLink;
    private final Path userDataDirectory;
    private final ReadOnlyIntegerWrapper blockedRemote = new ReadOnlyIntegerWrapper(this, "blockedRemote");
    private final ReadOnlyIntegerWrapper contentLoads = new ReadOnlyIntegerWrapper(this, "contentLoads");
    private final Label placeholder = new Label();
    private final StackPane content = new StackPane(placeholder);
    private WebView webView;
    private LinkGuard links;
    private ParsedMessage message;
    /** Counts the sanitisings asked for: only the newest one's result is shown. */
    private long request;

    /**
     * @param sanitising where messages are made safe (the window's background executor)
     * @param openLink   opens an http, https or mailto link outside the window (the app passes
     *                   {@code HostServices::showDocument})
     * @param userDataDirectory where WebKit keeps its files (a lock and an empty local storage, as
     *                   JavaScript is off): under the mailbox directory's {@code .smtp-monitor}, as
     *                   WebKit would otherwise write them in the user's home
     */
    HtmlView(Executor sanitising, Consumer<String> openLink, Path userDataDirectory) {
        this.sanitising = sanitising;
        this.openLink = openLink;
        this.userDataDirectory = userDataDirectory;
        setId("htmlView");
        getStyleClass().add("html-view");
        placeholder.setId("htmlPlaceholder");
        placeholder.setWrapText(true);
        VBox.setVgrow(content, Priority.ALWAYS);
        getChildren().addAll(remoteContentBar(), content);
    }

    private HBox remoteContentBar() {
        Label text = new Label();
        text.setId("remoteContentLabel");
        text.textProperty().bind(blockedRemote.map(n -> n.intValue() == 1 ? "1 remote resource blocked"
                : n + " remote resources blocked"));
        Button load = new Button("Load remote content");
        load.setId("loadRemoteContent");
        load.setOnAction(e -> loadRemoteContent());
        HBox bar = new HBox(8, text, load);
        bar.setId("remoteContentBar");
        bar.getStyleClass().add("remote-content-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.visibleProperty().bind(blockedRemote.greaterThan(0));
        bar.managedProperty().bind(bar.visibleProperty());
        return bar;
    }

    @Override
    public Node node() {
        return this;
    }

    @Override
    public void show(long id, ParsedMessage message) {
        show(message);
    }

    @Override
    public void clear() {
        show(null);
    }

    /** Shows the HTML of {@code message} (null for none), its remote content blocked. Call on the FX thread. */
    void show(ParsedMessage message) {
        this.message = message;
        if (message == null) {
            request++;
            showPlaceholder("");
            return;
        }
        webView(); // made now, while the message is made safe
        sanitise(RemoteContent.BLOCKED);
    }

    /** Shows the message again with its http and https resources: the user asked, for this message only. */
    void loadRemoteContent() {
        if (message != null) {
            sanitise(RemoteContent.ALLOWED);
        }
    }

    private void sanitise(RemoteContent remote) {
        long asked = ++request;
        ParsedMessage shown = message;
        BackgroundCall.run(sanitising, () -> SafeHtml.of(shown, remote), html -> {
            if (asked == request) {
                display(html);
            }
        }, failure -> {
            if (asked == request) {
                showPlaceholder("The HTML part cannot be shown: " + BackgroundCall.reason(failure));
            }
        });
    }

    private void display(Optional<SafeHtml> html) {
        if (html.isEmpty()) {
            showPlaceholder("This message has no HTML part.");
            return;
        }
        blockedRemote.set(html.get().blockedRemote());
        placeholder.setVisible(false);
        webView().setVisible(true);
        links.load(html.get().html());
    }

    private void showPlaceholder(String text) {
        blockedRemote.set(0);
        placeholder.setText(text);
        placeholder.setVisible(true);
        if (webView != null) {
            webView.setVisible(false);
            links.load(""); // no page of the last message stays loaded, fetching or not
        }
    }

    private WebView webView() {
        if (webView == null) {
            webView = new WebView();
            webView.setId("htmlWebView");
            webView.setContextMenuEnabled(false);
            webView.setVisible(false);
            // A file or a link dropped on the view would be navigated to.
            webView.addEventFilter(DragEvent.ANY, DragEvent::consume);
            WebEngine engine = webView.getEngine();
            engine.setUserDataDirectory(userDataDirectory.toFile());
            engine.setJavaScriptEnabled(false);
            engine.setCreatePopupHandler(features -> null);
            links = new LinkGuard(engine, openLink, () -> contentLoads.set(contentLoads.get() + 1));
            content.getChildren().add(webView);
        }
        return webView;
    }

    /** How many remote resources the shown message has that are not loaded: the bar shows when it is not 0. */
    ReadOnlyIntegerProperty blockedRemoteProperty() {
        return blockedRemote.getReadOnlyProperty();
    }

    /** Counts the pages of ours that finished loading (for tests: a page's resources are fetched by then). */
    ReadOnlyIntegerProperty contentLoadsProperty() {
        return contentLoads.getReadOnlyProperty();
    }

    /** The engine, once the first message was shown (null before). */
    WebEngine engine() {
        return webView == null ? null : webView.getEngine();
    }
}
