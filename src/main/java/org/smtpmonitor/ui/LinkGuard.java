package org.smtpmonitor.ui;

import java.util.Locale;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.concurrent.Worker;
import javafx.scene.web.WebEngine;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.events.Event;
import org.w3c.dom.events.EventTarget;

/**
 * Keeps a WebEngine on the page it was given. A click on a link is stopped in the page (a DOM
 * listener, which works with JavaScript off) and its URL handed to {@code openLink}; any other
 * navigation (one the page's listener did not see, a drop that got through) is cancelled as it
 * starts, by loading the page again, its URL handed on too. Only http, https and mailto URLs are
 * handed on: the sanitised page has no other links.
 *
 * <p>The listener is what keeps the view from fetching a link: by the time the engine tells of
 * a navigation, its request has gone out (HtmlViewSecurityTest sees it without the listener).
 */
final class LinkGuard {

    private final WebEngine engine;
    private final Consumer<String> openLink;
    private final Runnable loaded;
    private String page = "";

    /** @param loaded called on the FX thread each time a page of ours finished loading */
    LinkGuard(WebEngine engine, Consumer<String> openLink, Runnable loaded) {
        this.engine = engine;
        this.openLink = openLink;
        this.loaded = loaded;
        engine.locationProperty().addListener((o, old, location) -> navigating(location));
        engine.getLoadWorker().stateProperty().addListener((o, old, state) -> {
            if (state == Worker.State.SUCCEEDED) {
                succeeded();
            }
        });
    }

    /** Shows {@code html}, a page made safe. */
    void load(String html) {
        page = html;
        engine.loadContent(html);
    }

    private void navigating(String location) {
        if (isOurs(location)) {
            return;
        }
        open(location);
        // Loading our page again cancels the navigation (and leaves a document to show, which a
        // mere cancel does not); done once the engine is through telling of the navigation's start.
        Platform.runLater(() -> engine.loadContent(page));
    }

    private void succeeded() {
        if (!isOurs(engine.getLocation())) {
            engine.loadContent(page); // a navigation got through: our page again
            return;
        }
        Document document = engine.getDocument();
        if (document instanceof EventTarget target) {
            // Capturing, so that it runs before anything in the page could stop the click.
            target.addEventListener("click", this::clicked, true);
        }
        loaded.run();
    }

    private void clicked(Event event) {
        for (Node node = (Node) event.getTarget(); node != null; node = node.getParentNode()) {
            if (node instanceof Element element && element.getTagName().equalsIgnoreCase("a")) {
                event.preventDefault();
                if (element.hasAttribute("href")) {
                    open(element.getAttribute("href"));
                }
                return;
            }
        }
    }

    private void open(String url) {
        String lower = url.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("http:") || lower.startsWith("https:") || lower.startsWith("mailto:")) {
            openLink.accept(url.strip());
        }
    }

    /** Our pages are given as content, so they have no address of their own. */
    private static boolean isOurs(String location) {
        return location == null || location.isEmpty() || location.equals("about:blank");
    }
}
