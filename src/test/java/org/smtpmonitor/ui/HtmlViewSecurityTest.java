package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javafx.animation.AnimationTimer;
import javafx.concurrent.Worker;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.web.WebEngine;
import javafx.scene.web.WebView;
import javafx.stage.Stage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.RemoteContent;
import org.smtpmonitor.message.SafeHtml;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.TestMonitor;
import org.testfx.api.FxToolkit;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * The security test of the HTML view: hostile mail, sent over SMTP by a real mailer to a real
 * monitor, points everything it can at an HTTP server of the test's, which records every
 * request. Until "Load remote content" the server hears nothing and no script runs; after it,
 * only images and style sheets are fetched, and still no script runs.
 */
class HtmlViewSecurityTest extends FxThreadRobot {

    /** What a script in the mail would do: a marker in the page and a request. */
    private static final String SCRIPT = "var p=document.createElement('p');p.id='ran';document.body.appendChild(p);"
            + "document.body.setAttribute('data-ran','yes');new Image().src='%s/script';";
    private static final String HTML = """
            <html><head><meta http-equiv="refresh" content="0;url=%1$s/refresh">
            <style>@import url(%1$s/import.css); .bg { background-image: url('%1$s/bg.png'); height: 20px }</style>
            <script>%2$s</script></head>
            <body><a id="order" href="%1$s/link" style="display:block;width:500px;height:300px;background:#9cf">Your order</a>
            <p id="text">Hello from the shop</p><script>%2$s</script>
            <img id="remote" src="%1$s/img.png" width="10" height="10"><div class="bg">bg</div>
            <iframe src="%1$s/frame.html"></iframe><img src="x" onerror="%2$s">
            <a id="js" href="javascript:%2$s">js</a><img id="logo" src="cid:logo@shop.test"></body></html>
            """;
    /** Fetched once the user asks: the remote image, the CSS url() and the @import. */
    private static final Set<String> RESOURCES = Set.of("/img.png", "/bg.png", "/import.css");
    private static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    @TempDir
    Path directory;
    private HttpServer http;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private TestMonitor monitor;
    private MailboxDirectory mail;
    private ExecutorService sanitising;
    private Stage stage;
    private HtmlView view;
    private int sent;

    @BeforeEach
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", this::serve);
        http.start();
        monitor = TestMonitor.start(directory);
        mail = monitor.monitor().mail();
        sanitising = Executors.newSingleThreadExecutor(new DaemonThreads("test-sanitising"));
        fx(() -> {
            view = new HtmlView(sanitising, opened::add, directory.resolve(".smtp-monitor").resolve("webview"));
            stage = new Stage();
            stage.setScene(new Scene(view, 640, 480));
            stage.show();
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (stage != null) {
            fx(() -> {
                stage.close();
                return null;
            });
        }
        sanitising.shutdownNow();
        monitor.close();
        http.stop(0);
    }

    @Test
    void nothingIsFetchedAndNoScriptRunsUntilRemoteContentIsLoadedThenOnlyImagesAndStyles() throws Exception {
        ParsedMessage message = sendAndParse("/first");

        show(message);

        assertEquals(List.of(), requests, "no request before the user asks");
        assertFalse(fx(() -> engine().isJavaScriptEnabled()));
        assertTrue(Files.isDirectory(directory.resolve(".smtp-monitor").resolve("webview")), "WebKit's files stay here");
        assertNoScriptRan();
        assertFalse(fx(() -> image("remote").hasAttribute("src")), "the remote image has no source");
        assertTrue(fx(() -> image("logo").getAttribute("src").startsWith("data:image/png;base64,")),
                "the cid: image is the mail's own");
        assertEquals("3 remote resources blocked", label("#remoteContentLabel"));
        assertTrue(fx(() -> lookup("#remoteContentBar").query().isVisible()));

        int loads = fx(() -> view.contentLoadsProperty().get());
        clickOn("#loadRemoteContent");
        await("the page with remote content loaded", () -> view.contentLoadsProperty().get() > loads);
        Await.until("the images and style sheets are fetched", Duration.ofSeconds(15),
                () -> Set.copyOf(requests).containsAll(paths("/first", RESOURCES)), () -> "requests: " + requests);
        settle();

        assertEquals(paths("/first", RESOURCES), Set.copyOf(requests), "no frame, refresh, script or link");
        assertNoScriptRan();
        assertFalse(fx(() -> lookup("#remoteContentBar").query().isVisible()));
    }

    @Test
    void theNextMessageIsBlockedAgain() throws Exception {
        ParsedMessage first = sendAndParse("/first");
        ParsedMessage second = sendAndParse("/second");
        show(first);
        int loads = fx(() -> view.contentLoadsProperty().get());
        clickOn("#loadRemoteContent");
        await("the first message with remote content", () -> view.contentLoadsProperty().get() > loads);
        Await.until("the first message's images are fetched", Duration.ofSeconds(15),
                () -> Set.copyOf(requests).containsAll(paths("/first", RESOURCES)), () -> "requests: " + requests);

        show(second);

        assertTrue(requests.stream().noneMatch(path -> path.startsWith("/second")), requests.toString());
        assertEquals("3 remote resources blocked", label("#remoteContentLabel"));
        assertTrue(fx(() -> lookup("#remoteContentBar").query().isVisible()));
    }

    @Test
    void aClickOnALinkIsHandedOutAndTheViewStaysOnItsPage() throws Exception {
        show(sendAndParse("/first"));

        clickOn(fx(() -> (Node) lookup("#htmlWebView").queryAs(WebView.class)));

        String link = base() + "/first/link";
        Await.until("the link is handed out", Duration.ofSeconds(15), () -> opened.contains(link), opened::toString);
        settle();
        assertEquals(List.of(link), opened);
        assertEquals(List.of(), requests, "the view did not follow the link");
        assertEquals("Hello from the shop", fx(() -> document().getElementById("text").getTextContent()));
        assertTrue(fx(() -> engine().getLocation().isEmpty() || engine().getLocation().equals("about:blank")),
                () -> "location " + engine().getLocation());
    }

    @Test
    void aNavigationThatStartsAnotherWayIsUndoneAndItsAddressHandedOut() throws Exception {
        show(sendAndParse("/first"));
        int loads = fx(() -> view.contentLoadsProperty().get());
        String elsewhere = base() + "/elsewhere";

        fx(() -> {
            engine().load(elsewhere); // as a dropped link or a key would start one, which the page's listener does not see
            return null;
        });

        await("the message's page is back", () -> view.contentLoadsProperty().get() > loads);
        settle();
        assertEquals(List.of(elsewhere), opened);
        assertEquals("Hello from the shop", fx(() -> document().getElementById("text").getTextContent()));
    }

    @Test
    void theSameMailUnsanitisedWithJavaScriptOnWouldRunItsScriptAndFetch() throws Exception {
        // The control: the marker and the server do see a script that runs, so their silence above means something.
        String html = HTML.formatted(base() + "/raw", SCRIPT.formatted(base() + "/raw"));
        fx(() -> {
            WebView raw = new WebView();
            raw.getEngine().setUserDataDirectory(directory.resolve("raw-webview").toFile());
            raw.getEngine().setJavaScriptEnabled(true);
            stage.setScene(new Scene(raw, 640, 480));
            raw.getEngine().loadContent(html);
            return null;
        });

        Await.until("the script ran and fetched", Duration.ofSeconds(15),
                () -> requests.contains("/raw/script") && requests.contains("/raw/img.png"), () -> "requests: " + requests);
    }

    @Test
    void theContentSecurityPolicyAloneStopsWhatTheCleaningWouldMissEvenWithJavaScriptOn() throws Exception {
        // The second guard on its own: a sanitised page with hostile HTML put back into it, as if the cleaning had missed it.
        String urls = base() + "/missed";
        String page = SafeHtml.sanitise("<p id=text>Hello</p>", cid -> Optional.empty(), RemoteContent.BLOCKED).html()
                .replace("</body>", "<script>" + SCRIPT.formatted(urls) + "</script><img src=\"" + urls + "/img.png\">"
                        + "<div style=\"height:20px;background:url(" + urls + "/bg.png)\">x</div>"
                        + "<iframe src=\"" + urls + "/frame.html\"></iframe></body>");
        WebView raw = fx(() -> {
            WebView webView = new WebView();
            webView.getEngine().setUserDataDirectory(directory.resolve("raw-webview").toFile());
            webView.getEngine().setJavaScriptEnabled(true);
            stage.setScene(new Scene(webView, 640, 480));
            webView.getEngine().loadContent(page);
            return webView;
        });
        await("the page loaded", () -> raw.getEngine().getLoadWorker().getState() == Worker.State.SUCCEEDED);
        settle();

        assertEquals(List.of(), requests);
        assertNull(fx(() -> raw.getEngine().getDocument().getElementById("ran")));
        assertEquals("Hello", fx(() -> raw.getEngine().getDocument().getElementById("text").getTextContent()));
    }

    private void show(ParsedMessage message) throws Exception {
        int loads = fx(() -> view.contentLoadsProperty().get());
        fx(() -> {
            view.show(message);
            return null;
        });
        await("the message's page loaded", () -> view.contentLoadsProperty().get() > loads);
        settle();
    }

    /** Lets some pulses pass, time for anything the page would still fetch or run. */
    private static void settle() throws Exception {
        CountDownLatch pulses = new CountDownLatch(30);
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                pulses.countDown();
            }
        };
        fx(() -> {
            timer.start();
            return null;
        });
        assertTrue(pulses.await(30, TimeUnit.SECONDS), "30 pulses");
        fx(() -> {
            timer.stop();
            return null;
        });
    }

    /** No trace of a script in the page as WebKit holds it (JavaScript is off, so no script can be asked). */
    private void assertNoScriptRan() throws Exception {
        fx(() -> {
            Document document = document();
            assertNull(document.getElementById("ran"));
            assertFalse(((Element) document.getElementsByTagName("body").item(0)).hasAttribute("data-ran"));
            assertEquals(0, document.getElementsByTagName("script").getLength());
            assertEquals(0, document.getElementsByTagName("iframe").getLength());
            return null;
        });
        assertTrue(requests.stream().noneMatch(path -> path.endsWith("/script")), requests.toString());
    }

    /** An element of the page as WebKit holds it. */
    private Element image(String id) {
        return document().getElementById(id);
    }

    private Document document() {
        return engine().getDocument();
    }

    private WebEngine engine() {
        return view.engine();
    }

    private String label(String id) throws Exception {
        return fx(() -> lookup(id).queryAs(Label.class).getText());
    }

    private String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private static Set<String> paths(String prefix, Set<String> paths) {
        return Set.copyOf(paths.stream().map(path -> prefix + path).toList());
    }

    /** Records the request and answers it with something of the kind asked for. */
    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        byte[] body;
        String type;
        if (path.endsWith(".png")) {
            body = PNG;
            type = "image/png";
        } else if (path.endsWith(".css")) {
            body = "p { color: green }".getBytes(StandardCharsets.US_ASCII);
            type = "text/css";
        } else {
            body = "<html><body>remote page</body></html>".getBytes(StandardCharsets.US_ASCII);
            type = "text/html";
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** Sends the hostile mail, its URLs under {@code prefix} on the test's server, and reads it back from the store. */
    private ParsedMessage sendAndParse(String prefix) throws Exception {
        String urls = base() + prefix;
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(HTML.formatted(urls, SCRIPT.formatted(urls)), "text/html; charset=UTF-8");
        MimeBodyPart logo = new MimeBodyPart();
        logo.setDataHandler(new DataHandler(new ByteArrayDataSource(PNG, "image/png")));
        logo.setContentID("<logo@shop.test>");
        logo.setDisposition(jakarta.mail.Part.INLINE);
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(monitor.port()));
        properties.put("mail.smtp.localhost", "client.test");
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("shop@shop.test"));
        message.setRecipients(Message.RecipientType.TO, "alice@example.com");
        message.setSubject("Your order " + prefix, "UTF-8");
        message.setContent(new MimeMultipart("related", html, logo));
        Transport.send(message);

        int sent = ++this.sent;
        Await.until("the message " + prefix + " is indexed", Duration.ofSeconds(15),
                () -> mail.messages("alice@example.com", 0, sent).size() == sent);
        IndexedMessage newest = mail.messages("alice@example.com", 0, 1).get(0);
        return mail.parse(newest.id());
    }
}
