package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.testing.TestMonitor;

/**
 * The API's address as it is printed (headless) and shown (the window): the one a client on
 * this machine reaches. Bound to every address ({@code --bind 0.0.0.0}), that is loopback,
 * not {@code http://0.0.0.0:PORT}, which is no address to send a request to.
 */
class ApiUrlTest {

    @TempDir
    Path directory;

    @Test
    void anApiBoundToEveryAddressIsNamedByLoopbackAndAnswersThere() throws Exception {
        assertReachedAt(InetAddress.getByName("0.0.0.0"), "http://127.0.0.1:");
    }

    @Test
    void anApiBoundToOneAddressIsNamedByIt() throws Exception {
        assertReachedAt(InetAddress.getLoopbackAddress(), "http://127.0.0.1:");
    }

    private void assertReachedAt(InetAddress bind, String expected) throws Exception {
        EventBus bus = new EventBus();
        HttpSettings http = new HttpSettings(0, null);
        ApiServer api = new ApiServer(bus, http);
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory).withHttp(http), bus)) {
            api.start(monitor.monitor(), bind);
            try {
                // Bound as asked: every address (which the JDK may report as the IPv6 wildcard), or that one.
                assertEquals(bind.isAnyLocalAddress(), api.address().getAddress().isAnyLocalAddress());
                assertEquals(expected + api.address().getPort(), api.url());
                HttpResponse<String> status = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/api/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, status.statusCode());
                assertTrue(status.body().contains("\"running\":true"), status.body());
            } finally {
                api.close();
            }
        }
    }
}
