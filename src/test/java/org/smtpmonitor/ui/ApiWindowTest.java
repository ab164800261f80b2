package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/** The HTTP API in window mode: started beside the window, shown in its tool bar, closed with it. */
class ApiWindowTest extends WindowTestBase {

    private static final String TOKEN = "s3cret-T0ken";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path users() throws Exception {
        return app.usersFile("users.txt", "alice@example.com", "bob@example.com");
    }

    private Settings settings(HttpSettings api) {
        return app.settings(MailboxFormat.RAW).withHttp(api);
    }

    private HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean shown(String id) {
        return lookup(id).tryQuery().map(Node::isVisible).orElse(false);
    }

    @Test
    void theToolBarShowsTheApiWhichAnswersOutlivesAStopOfTheServerAndClosesWithTheWindow() throws Exception {
        MainWindow window = app.open(settings(new HttpSettings(0, TOKEN)), users());
        int port = window.api().address().getPort();
        String url = "http://127.0.0.1:" + port;
        assertTrue(fx(() -> shown("#apiLabel") && shown("#copyCurlButton")));
        assertEquals("API " + url, label("#apiLabel"));

        // The address shown answers, with the token and only with it.
        String shownUrl = label("#apiLabel").substring("API ".length());
        HttpResponse<String> status = get(shownUrl + "/api/status", TOKEN);
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"running\":true"), status.body());
        assertEquals(401, get(shownUrl + "/api/status", null).statusCode());

        // Stopping the SMTP server leaves the API up, saying so.
        clickOn("#serverButton");
        await("the server stops", () -> lookup("#listeningLabel").queryAs(Label.class).getText().equals("Server stopped"));
        status = get(shownUrl + "/api/status", TOKEN);
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"running\":false"), status.body());

        app.close();
        assertThrows(IOException.class, () -> get(shownUrl + "/api/status", TOKEN), "the API is closed with the window");
    }

    @Test
    void copyCurlPutsALineForTheMailboxOnViewWithTheTokenOnTheClipboard() throws Exception {
        MainWindow window = app.open(settings(new HttpSettings(0, TOKEN)), users());
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.mail("me@test.org", "bob@example.com", "Subject: hi\n\nHello Bob\n");
            client.command("QUIT");
        }
        clickRow("#mailboxesTable", "bob@example.com");
        clickOn("#copyCurlButton");
        await("copied", () -> lookup("#messageLabel").queryAs(Label.class).getText()
                .equals("Copied a curl command line for the HTTP API"));
        assertEquals("curl -s -H 'Authorization: Bearer " + TOKEN + "' 'http://127.0.0.1:" + window.api().address().getPort()
                + "/api/messages?mailbox=bob@example.com'", fx(() -> Clipboard.getSystemClipboard().getString()));
    }

    @Test
    void withoutHttpPortNothingOfTheApiShows() throws Exception {
        MainWindow window = app.open(app.settings(MailboxFormat.RAW), users());
        assertEquals(null, window.api());
        assertFalse(fx(() -> shown("#apiLabel") || shown("#copyCurlButton") || shown("#apiBanner")));
    }

    @Test
    void anHttpPortInUseIsShownAndTheSmtpServerRunsWithoutTheApi() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MainWindow window = app.open(settings(new HttpSettings(taken.getLocalPort(), null)), users());
            assertEquals(null, window.api());
            assertTrue(fx(() -> shown("#apiBanner")));
            String problem = label("#apiProblemLabel");
            assertTrue(problem.startsWith("The HTTP API is not running: HTTP port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use"), problem);
            assertFalse(fx(() -> shown("#apiLabel")));
            assertTrue(app.errText().contains("the HTTP API is not running"), app.errText());
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
                client.command("EHLO tester");
                assertTrue(client.mail("me@test.org", "alice@example.com", "Subject: hi\n\nHello\n").startsWith("250"));
                client.command("QUIT");
            }
            await("the window counts the delivery", () -> window.model().deliveredProperty().get() == 1);
        }
    }
}
