package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.message.MessageParser;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.ui.MessageListViewModelTest.HeldTasks;
import org.testfx.api.FxToolkit;

/** What the HTML view shows around the page: the bar, the placeholder, and only the newest message asked for. */
class HtmlViewTest extends FxThreadRobot {

    @TempDir
    Path directory;
    private final HeldTasks sanitising = new HeldTasks();
    private Stage stage;
    private HtmlView view;

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        fx(() -> {
            view = new HtmlView(sanitising, url -> { }, directory.resolve("webview"));
            stage = new Stage();
            stage.setScene(new Scene(view, 480, 320));
            stage.show();
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        fx(() -> {
            stage.close();
            return null;
        });
    }

    @Test
    void theWebViewIsMadeOnTheFirstMessageShownAndTheMessageMadeSafeOnTheExecutor() throws Exception {
        assertNull(fx(view::engine), "no WebKit before a message is shown");

        fx(() -> {
            view.show(html("<p id=m>one</p>"));
            return null;
        });

        assertNotNull(fx(view::engine));
        assertEquals(1, sanitising.size(), "made safe on the executor, not on the FX thread");
        assertEquals(0, (int) fx(() -> view.contentLoadsProperty().get()));
        sanitising.runAll();
        await("the page loaded", () -> view.contentLoadsProperty().get() == 1);
    }

    @Test
    void onlyTheNewestMessageAskedForIsShown() throws Exception {
        fx(() -> {
            view.show(html("<p id=m>first</p><img src=\"http://a.example/1.png\"><img src=\"http://a.example/2.png\">"));
            view.show(html("<p id=m>second</p><img src=\"http://a.example/3.png\">"));
            return null;
        });
        sanitising.runAll();

        await("a page loaded", () -> view.contentLoadsProperty().get() >= 1);
        assertEquals("second", fx(() -> view.engine().getDocument().getElementById("m").getTextContent()));
        assertEquals("1 remote resource blocked", fx(() -> lookup("#remoteContentLabel").queryAs(Label.class).getText()));
        assertEquals(1, (int) fx(() -> view.contentLoadsProperty().get()));
    }

    @Test
    void aMessageWithoutHtmlSaysSoAndNothingHidesTheBar() throws Exception {
        fx(() -> {
            view.show(html("<img src=\"http://a.example/1.png\">"));
            return null;
        });
        sanitising.runAll();
        await("the bar shows", () -> lookup("#remoteContentBar").query().isVisible());

        fx(() -> {
            view.show(MessageParser.parse("Subject: plain\r\n\r\nJust text\r\n".getBytes(StandardCharsets.US_ASCII)));
            return null;
        });
        sanitising.runAll();

        assertEquals("This message has no HTML part.", fx(() -> lookup("#htmlPlaceholder").queryAs(Label.class).getText()));
        assertTrue(fx(() -> lookup("#htmlPlaceholder").query().isVisible()));
        assertFalse(fx(() -> lookup("#remoteContentBar").query().isVisible()));
        assertFalse(fx(() -> lookup("#htmlWebView").query().isVisible()));
        fx(() -> {
            view.show(null);
            return null;
        });
        assertEquals(0, sanitising.size(), "nothing to make safe");
        assertEquals("", fx(() -> lookup("#htmlPlaceholder").queryAs(Label.class).getText()));
    }

    private static ParsedMessage html(String body) {
        return MessageParser.parse(("Subject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>"
                + body + "</body></html>\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
