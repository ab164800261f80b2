package org.smtpmonitor.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.smtp.MessageStore;
import org.smtpmonitor.smtp.SmtpSession;

/**
 * The SMTP server: accepts connections on one thread and serves each session on a
 * thread of its own, up to {@link ServerConfig#maxConnections()} at once.
 *
 * <p>{@link #stop()} shuts down cleanly: no new connections, deliveries under way
 * finish, and every connected client gets a 421.
 */
public final class SmtpServer implements AutoCloseable {

    private static final long SHUTDOWN_GRACE_MILLIS = 10_000;

    private final ServerConfig config;
    private final MessageStore store;
    private final EventBus events;
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicLong nextSessionId = new AtomicLong(1);
    private final AtomicInteger open = new AtomicInteger();
    private final String queueIdPrefix = Long.toString(System.currentTimeMillis() / 1000, 36).toUpperCase();

    private ServerSocket serverSocket;
    private ExecutorService sessions;
    private Thread acceptor;
    private volatile boolean running;

    public SmtpServer(ServerConfig config, MessageStore store, EventBus events) {
        this.config = config;
        this.store = store;
        this.events = events;
    }

    /**
     * Binds the port and starts accepting.
     *
     * @throws java.net.BindException when the port is in use or the address is not local
     */
    public synchronized void start() throws IOException {
        if (running) {
            throw new IllegalStateException("the server is running already");
        }
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(config.bindAddress(), config.port()), 128);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        serverSocket = socket;
        sessions = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "smtp-session");
            thread.setDaemon(true);
            return thread;
        });
        running = true;
        acceptor = new Thread(this::acceptLoop, "smtp-accept-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        events.publish(new ServerStarted(address(), config.smtp().domain(), Instant.now()));
    }

    /** The address the server listens on (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        ServerSocket socket = serverSocket;
        if (socket == null) {
            return new InetSocketAddress(config.bindAddress(), config.port());
        }
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public boolean isRunning() {
        return running;
    }

    public ServerConfig config() {
        return config;
    }

    /** Sessions connected right now. */
    public int openSessions() {
        return open.get();
    }

    private void acceptLoop() {
        while (running) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (SocketException e) {
                if (running) {
                    events.publish(new ServerError(0, "accept failed: " + e.getMessage(), Instant.now()));
                }
                continue;
            } catch (IOException e) {
                events.publish(new ServerError(0, "accept failed: " + e.getMessage(), Instant.now()));
                continue;
            }
            long id = nextSessionId.getAndIncrement();
            if (open.incrementAndGet() > config.maxConnections()) {
                open.decrementAndGet();
                refuse(id, client);
                continue;
            }
            SmtpSession session = new SmtpSession(config.smtp(), store, queueIdPrefix + id);
            Connection connection = new Connection(id, client, session, events, config, () -> {
                connections.remove(id);
                open.decrementAndGet();
            });
            connections.put(id, connection);
            connection.publishOpened();
            try {
                sessions.execute(connection);
            } catch (RejectedExecutionException e) {
                // stop() has begun: the connection still gets its 421.
                connection.shutdown();
                connections.remove(id);
                open.decrementAndGet();
            }
        }
    }

    /** One connection too many: a 421 and close, without a session thread. */
    private void refuse(long id, Socket client) {
        Instant now = Instant.now();
        if (events.hasListeners()) {
            events.publish(new SessionOpened(id, (InetSocketAddress) client.getRemoteSocketAddress(), now));
        }
        SmtpSession session = new SmtpSession(config.smtp(), store, queueIdPrefix + id);
        var reply = session.serviceClosing("Too many connections, try again later");
        try (client) {
            client.setSoTimeout(1000);
            client.getOutputStream().write(reply.wire());
            client.getOutputStream().flush();
        } catch (IOException ignored) {
            // The client has gone: nothing more to tell it.
        }
        if (events.hasListeners()) {
            for (String line : reply.lines()) {
                events.publish(new ReplySent(id, line, now));
            }
            events.publish(new SessionClosed(id, SessionClosed.Reason.TOO_MANY_CONNECTIONS, Instant.now()));
        }
    }

    /**
     * Stops accepting, tells every client 421, lets deliveries under way finish (waiting
     * up to ten seconds), and returns when every session has ended.
     */
    public void stop() {
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
        }
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Closing is all we wanted.
        }
        try {
            // Once the acceptor has ended, no connection can join the map behind our back.
            acceptor.join(SHUTDOWN_GRACE_MILLIS);
            sessions.shutdown();
            for (Connection connection : connections.values()) {
                connection.shutdown();
            }
            if (!sessions.awaitTermination(SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                sessions.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sessions.shutdownNow();
        }
        events.publish(new ServerStopped(Instant.now()));
    }

    @Override
    public void close() {
        stop();
    }
}
