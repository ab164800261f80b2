package org.smtpmonitor.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.smtpmonitor.api.ApiServer;
import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.app.StartupException;
import org.smtpmonitor.event.EventBus;

/**
 * A monitor with its HTTP API, both on ephemeral ports of 127.0.0.1, as the headless mode
 * starts them (the API made before the monitor, bound after it), and a JDK {@link HttpClient}
 * to call it.
 */
public final class TestApi implements AutoCloseable {

    private final TestMonitor monitor;
    private final ApiServer api;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestApi(TestMonitor monitor, ApiServer api, String token) {
        this.monitor = monitor;
        this.api = api;
        this.token = token;
    }

    public static TestApi start(Path directory) throws IOException, StartupException {
        return start(directory, TestMonitor.settings(directory), null);
    }

    /** With {@code token} required ({@code --http-token}), or none if null. */
    public static TestApi start(Path directory, Settings settings, String token) throws IOException, StartupException {
        HttpSettings http = new HttpSettings(0, token);
        EventBus bus = new EventBus();
        ApiServer api = new ApiServer(bus, http);
        TestMonitor monitor = TestMonitor.start(directory, settings.withHttp(http), bus);
        try {
            api.start(monitor.monitor(), settings.bindAddress());
        } catch (IOException | RuntimeException e) {
            monitor.close();
            throw e;
        }
        return new TestApi(monitor, api, token);
    }

    public TestMonitor monitor() {
        return monitor;
    }

    public ApiServer api() {
        return api;
    }

    /** The API's address of {@code pathAndQuery}, such as {@code /api/messages?mailbox=alice@example.com}. */
    public URI uri(String pathAndQuery) {
        return URI.create(api.url() + pathAndQuery);
    }

    /** A request to {@code pathAndQuery} carrying the token, if there is one. */
    public HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> delete(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String pathAndQuery, String json) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        api.close();
        monitor.close();
    }
}
