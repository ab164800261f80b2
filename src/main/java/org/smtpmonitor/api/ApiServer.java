package org.smtpmonitor.api;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.text.Json;
import org.smtpmonitor.text.Printable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP API ({@code --http-port}): JSON over the monitor's facade, for tests and CI jobs.
 * The JDK's {@code com.sun.net.httpserver} serves it: the API is a few routes of small JSON
 * answers on loopback, which needs no framework (docs/REFERENCE.md says more).
 *
 * <p>Made before the monitor starts, so that what listens to the event bus (the sessions
 * held, the event stream) misses nothing; bound by {@link #start(Monitor, InetAddress)}.
 * Requests run on a small pool of threads named {@code http-N}, never on the server's.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * The threads that answer requests; more requests wait in a queue of {@link #QUEUE}. Half
     * the cores, at least two. On 2 cores, before {@link Pacing}, bench/api.sh measured SMTP
     * delivery under 20 flat-out API clients at 59 % of its rate without them with 8 threads,
     * 60 % with 4, 67 % with 2 and 65 % with 1, and the API's own rate highest with 2
     * (docs/BENCHMARKS.md). Event streams and releases run on threads of their own.
     */
    static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
    static final int QUEUE = 1024;
    /** Releases at once, each on a thread of its own for its whole SMTP conversation (up to a minute). */
    static final int RELEASES = 4;
    private static final String NODELAY = "sun.net.httpserver.nodelay";
    private static final String VERSION = version();

    private final HttpSettings settings;
    private final byte[] token;
    private final List<Route> routes = new ArrayList<>();
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private ThreadPoolExecutor releases;
    private final Pacing pacing = new Pacing();
    private final AutoCloseable pacingSubscription;
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    private Monitor monitor;
    private final Live live;

    public ApiServer(EventBus events, HttpSettings settings) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("the HTTP API is off");
        }
        this.settings = settings;
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
        this.live = new Live(events);
        pacingSubscription = events.subscribe(pacing);
    }

    /**
     * Binds the API to {@code address} on the settings' port and begins answering, over
     * {@code monitor}'s facade.
     *
     * @throws IOException when the port cannot be bound, saying which
     */
    public synchronized void start(Monitor monitor, InetAddress address) throws IOException {
        if (server != null) {
            throw new IllegalStateException("the HTTP API is running");
        }
        this.monitor = monitor;
        routes.clear();
        addRoutes();
        // Without TCP_NODELAY a keep-alive answer's body waits for the ACK of its headers, which
        // the client delays: 40 ms an answer. Read once, when the JDK's server first loads.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        HttpServer bound;
        try {
            bound = HttpServer.create(new InetSocketAddress(address, settings.port()), 64);
        } catch (BindException e) {
            throw new BindException("HTTP port " + settings.port() + " on " + address.getHostAddress()
                    + " is in use or not allowed (" + e.getMessage() + ")");
        }
        AtomicInteger threads = new AtomicInteger();
        executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread thread = new Thread(r, "http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        bound.setExecutor(executor);
        bound.createContext("/", this::paced);
        bound.start();
        server = bound;
    }

    /** Where the API listens; null before {@link #start}. */
    public synchronized InetSocketAddress address() {
        return server == null ? null : server.getAddress();
    }

    /**
     * The API's base address as a client on this machine reaches it, such as
     * {@code http://127.0.0.1:8025}: its own address, or loopback when it listens on every
     * address ({@code --bind 0.0.0.0}, which the JDK may report as the IPv6 wildcard), since
     * a wildcard is nothing to send a request to. Null before {@link #start}.
     */
    public String url() {
        InetSocketAddress address = address();
        if (address == null) {
            return null;
        }
        InetAddress reached = address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress()
                : address.getAddress();
        String host = reached.getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Whether requests must carry the bearer token. */
    public boolean tokenRequired() {
        return token != null;
    }

    @Override
    public synchronized void close() {
        live.close();
        try {
            pacingSubscription.close();
        } catch (Exception e) {
            // The bus's handles do not fail.
        }
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
        if (releases != null) {
            // A release under way ends with its SMTP conversation's next read; its client has gone.
            releases.shutdownNow();
        }
    }

    Monitor monitor() {
        return monitor;
    }

    /** Adds a route; routes are tried in the order added. */
    void route(String method, String pattern, Route.Handler handler, String... query) {
        routes.add(new Route(method, pattern, handler, java.util.Set.of(query)));
    }

    /** The routes, in the order tried (for the test that holds them and docs/openapi.yaml together). */
    synchronized List<Route> routes() {
        return List.copyOf(routes);
    }

    private void addRoutes() {
        route("GET", "/api/status", this::status);
        MailRoutes.add(this);
        ReleaseRoute.add(this);
        live.addRoutes(this, monitor);
    }

    private void status(Request request) throws IOException {
        Monitor m = monitor;
        // A stopped server still names its configured address (port 0 when any was asked for):
        // what is not listening has no port, as docs/openapi.yaml's Status says (-1).
        boolean running = m.isRunning();
        InetSocketAddress smtp = running ? m.smtpAddress() : null;
        InetSocketAddress tls = running ? m.tlsAddress() : null;
        request.json(200, Json.object().field("version", VERSION).field("running", running)
                .field("smtpPort", smtp == null ? -1 : smtp.getPort())
                .field("tlsPort", tls == null ? -1 : tls.getPort())
                .field("mailboxDirectory", m.mailboxDirectory().toString()).field("format", m.format())
                .toString());
    }

    /** {@link #dispatch}, then the rest {@link Pacing} asks for while mail is coming in; the answer is sent by then. */
    private void paced(HttpExchange exchange) throws IOException {
        long before = cpu.getCurrentThreadCpuTime();
        try {
            dispatch(exchange);
        } finally {
            long pause = pacing.pauseNanos(cpu.getCurrentThreadCpuTime() - before, System.nanoTime());
            if (pause > 0) {
                LockSupport.parkNanos(pause);
            }
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try {
            if (token != null && !authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"smtp-monitor\"");
                throw new ApiException(401, "this API needs the header 'Authorization: Bearer TOKEN' with --http-token's token");
            }
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            TreeSet<String> allowed = new TreeSet<>();
            for (Route route : routes) {
                Map<String, String> parameters = route.match(path);
                if (parameters == null) {
                    continue;
                }
                if (route.method().equals(method) || method.equals("HEAD") && route.method().equals("GET")) {
                    Request request = new Request(exchange, parameters);
                    request.takesOnly(route.query());
                    route.handler().handle(request);
                    return;
                }
                allowed.add(route.method());
            }
            if (!allowed.isEmpty()) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
                throw new ApiException(405, method + " is not allowed here; " + String.join(", ", allowed) + " is");
            }
            throw ApiException.notFound("no such path: " + path);
        } catch (ApiException e) {
            error(exchange, e.status(), e.getMessage());
        } catch (IOException e) {
            // The client went away, or the store could not be read: tell it if it is still there.
            error(exchange, 500, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            error(exchange, 500, e.toString());
        } finally {
            if (!Request.detached(exchange)) {
                exchange.close();
            }
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code {"error": reason}}, unless an answer has begun already. */
    private static void error(HttpExchange exchange, int status, String reason) {
        try {
            if (exchange.getResponseCode() != -1) {
                return;
            }
            byte[] body = Json.object().field("error", Printable.escape(reason)).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                // Closed here, as Request.bytes does: left open, the kept-alive connection hung on its next request.
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // The client has gone: nobody to tell.
        }
    }

    /** Answers {@code {"error": reason}} on an exchange a route detached, and closes it. */
    static void fail(HttpExchange exchange, int status, String reason) {
        try {
            error(exchange, status, reason);
        } finally {
            exchange.close();
        }
    }

    /** The threads releases run on (see {@link #RELEASES}). */
    synchronized ThreadPoolExecutor releases() {
        if (releases == null) {
            AtomicInteger threads = new AtomicInteger();
            releases = new ThreadPoolExecutor(0, RELEASES, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread thread = new Thread(r, "http-release-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        return releases;
    }

    private static String version() {
        Properties properties = new Properties();
        try (var in = ApiServer.class.getResourceAsStream("/org/smtpmonitor/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // Unknown, then.
        }
        return properties.getProperty("version", "unknown");
    }
}
