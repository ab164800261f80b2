package org.smtpmonitor.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.smtp.MessageStore;
import org.smtpmonitor.smtp.Reply;
import org.smtpmonitor.smtp.RuleBook;
import org.smtpmonitor.smtp.SmtpSession;

/**
 * The SMTP server: one thread accepts connections and hands them, in turn, to a few
 * {@link EventLoop}s (one per processor) that serve them, up to
 * {@link ServerConfig#maxConnections()} at once; one more thread waits for the disk.
 * Out of file descriptors, the acceptor neither spins nor leaves clients in the backlog:
 * it refuses them with a 421 until descriptors free up.
 *
 * <p>With {@link ServerConfig#tls()}, sessions may start TLS (STARTTLS), and a second
 * listener, with an acceptor of its own, takes implicit-TLS connections; both kinds share
 * the loops and the connection limit.
 *
 * <p>{@link #stop()} shuts down cleanly: no new connections, deliveries under way
 * finish, and every connected client gets a 421. A stopped server can be started again.
 *
 * <p>A thread of the server that dies, for whatever reason, stops the whole server and is
 * reported to the {@link FatalErrorListener}: a server half alive would accept clients
 * and never greet them.
 */
public final class SmtpServer implements AutoCloseable {

    private static final long SHUTDOWN_GRACE_MILLIS = 10_000;
    private static final int MAX_LOOPS = 4;

    private final ServerConfig config;
    private final MessageStore store;
    private final EventBus events;
    private final FatalErrorListener fatalErrors;
    private final MemoryBudget memory;
    private final RuleBook rules;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicLong nextSessionId = new AtomicLong(1);
    private final AtomicInteger open = new AtomicInteger();
    private final String queueIdPrefix = Long.toString(System.currentTimeMillis() / 1000, 36).toUpperCase(Locale.ROOT);

    private ServerSocketChannel serverChannel;
    private List<EventLoop> loops = List.of();
    private ExecutorService disk;
    private Thread acceptor;
    /** The implicit-TLS listener and its acceptor; null without one. */
    private ServerSocketChannel tlsChannel;
    private Thread tlsAcceptor;
    /** Null for a server without TLS. */
    private TlsEngines tlsEngines;
    private volatile boolean running;

    /** A server whose failure only stops it, and is told as a {@link ServerError} event. */
    public SmtpServer(ServerConfig config, MessageStore store, EventBus events) {
        this(config, store, events, (message, cause) -> { });
    }

    /**
     * @param fatalErrors told when a server thread died and the server stopped because of it
     */
    public SmtpServer(ServerConfig config, MessageStore store, EventBus events, FatalErrorListener fatalErrors) {
        this(config, store, events, fatalErrors, new RuleBook());
    }

    /**
     * @param fatalErrors told when a server thread died and the server stopped because of it
     * @param rules       the scripted failures, consulted by every session at each step
     */
    public SmtpServer(ServerConfig config, MessageStore store, EventBus events, FatalErrorListener fatalErrors,
                      RuleBook rules) {
        this.rules = rules;
        this.config = config;
        this.store = store;
        this.events = events;
        this.fatalErrors = fatalErrors;
        this.memory = new MemoryBudget(config.maxMemory());
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
        ServerSocketChannel channel = ServerSocketChannel.open();
        ServerSocketChannel implicitTls = null;
        List<EventLoop> started = new ArrayList<>();
        disk = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "smtp-disk");
            thread.setDaemon(true);
            return thread;
        });
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(config.bindAddress(), config.port()), 128);
            if (config.tls() != null && config.tls().hasImplicitPort()) {
                implicitTls = bindImplicitTls();
            }
            int count = Math.max(1, Math.min(MAX_LOOPS, Runtime.getRuntime().availableProcessors()));
            for (int i = 0; i < count; i++) {
                started.add(new EventLoop("smtp-loop-" + (i + 1), events, disk, open::decrementAndGet, this::fatal));
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (implicitTls != null) {
                implicitTls.close();
            }
            disk.shutdown();
            throw e;
        }
        serverChannel = channel;
        tlsChannel = implicitTls;
        tlsEngines = config.tls() == null ? null : new TlsEngines(config.tls().context(), started.size());
        loops = List.copyOf(started);
        failed.set(false);
        loops.forEach(EventLoop::start);
        running = true;
        acceptor = startAcceptor(channel, false);
        tlsAcceptor = implicitTls == null ? null : startAcceptor(implicitTls, true);
        events.publish(new ServerStarted(address(), config.smtp().domain(), Instant.now()));
        if (config.tls() != null) {
            events.publish(new TlsReady(tlsAddress(), config.tls().certificate(), config.tls().fingerprint(),
                    Instant.now()));
        }
    }

    private ServerSocketChannel bindImplicitTls() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(config.bindAddress(), config.tls().implicitPort()), 128);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new ImplicitTlsBindException(config.tls().implicitPort(), e);
        }
    }

    private Thread startAcceptor(ServerSocketChannel channel, boolean implicitTls) {
        Thread thread = new Thread(() -> {
            try {
                acceptLoop(channel, implicitTls);
            } catch (Throwable e) {
                fatal(Thread.currentThread().getName(), e);
            }
        }, (implicitTls ? "smtp-accept-tls-" : "smtp-accept-") + localPort(channel));
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static int localPort(ServerSocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The address the server listens on (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        ServerSocketChannel channel = serverChannel;
        try {
            if (channel != null && channel.isOpen()) {
                return (InetSocketAddress) channel.getLocalAddress();
            }
        } catch (IOException ignored) {
            // Fall back to the configured address.
        }
        return new InetSocketAddress(config.bindAddress(), config.port());
    }

    /** Where the server takes implicit-TLS connections (the real port when 0 was asked for); null without. */
    public InetSocketAddress tlsAddress() {
        ServerSocketChannel channel = tlsChannel;
        try {
            if (channel != null && channel.isOpen()) {
                return (InetSocketAddress) channel.getLocalAddress();
            }
        } catch (IOException ignored) {
            // Fall back to the configured address.
        }
        TlsConfig tls = config.tls();
        return tls == null || !tls.hasImplicitPort() ? null : new InetSocketAddress(config.bindAddress(), tls.implicitPort());
    }

    public boolean isRunning() {
        return running;
    }

    /** Sessions connected right now. */
    public int openSessions() {
        return open.get();
    }

    /** The memory budget for message data, shared by all sessions. */
    public MemoryBudget memory() {
        return memory;
    }

    private void acceptLoop(ServerSocketChannel listener, boolean implicitTls) {
        try (SpareDescriptor spare = new SpareDescriptor()) {
            acceptLoop(listener, implicitTls, spare, new AcceptFailures());
        }
    }

    private void acceptLoop(ServerSocketChannel listener, boolean implicitTls, SpareDescriptor spare,
                            AcceptFailures failures) {
        int next = implicitTls ? loops.size() / 2 : 0;
        while (running) {
            SocketChannel client;
            try {
                client = listener.accept();
                report(failures.succeeded(System.nanoTime()));
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                report(failures.failed(reasonOf(e), System.nanoTime()));
                client = acceptWithSpare(listener, spare, failures);
                if (client == null) {
                    continue;
                }
            }
            long id = nextSessionId.getAndIncrement();
            if (open.incrementAndGet() > config.maxConnections()) {
                open.decrementAndGet();
                refuse(id, client, implicitTls);
                continue;
            }
            try {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException ignored) {
                // Replies are then merely slower.
            }
            EventLoop loop = loops.get(next++ % loops.size());
            SmtpSession session = new SmtpSession(config.smtp(), store, queueIdPrefix + id, id, describe(client),
                    rules);
            ClientConnection connection = new ClientConnection(id, client, session, events, config, loop, memory,
                    tlsEngines, implicitTls);
            if (events.hasListeners()) {
                events.publish(new SessionOpened(id, connection.remote(), Instant.now()));
            }
            loop.register(client, connection);
        }
    }

    /**
     * After a failed accept, most likely for want of a descriptor: gives up the spare to
     * take the next client off the backlog. If the spare can be taken back afterwards,
     * descriptors have freed up, and the client is returned to be served; if not, it gets a
     * 421 at once (rather than waiting in the backlog for who knows how long), which frees
     * the place for the spare again. Without a spare, or when even that accept fails,
     * pauses a little longer each time, so as not to spin. Null when there is no client to
     * serve (or the server is stopping).
     */
    private SocketChannel acceptWithSpare(ServerSocketChannel listener, SpareDescriptor spare, AcceptFailures failures) {
        if (spare.release()) {
            try {
                SocketChannel client = listener.accept();
                if (spare.reclaim()) {
                    report(failures.succeeded(System.nanoTime()));
                    return client;
                }
                refuse(nextSessionId.getAndIncrement(), client, listener == tlsChannel);
                spare.reclaim();
                return null;
            } catch (ClosedChannelException e) {
                return null;
            } catch (IOException e) {
                report(failures.failed(reasonOf(e), System.nanoTime()));
            }
        }
        try {
            Thread.sleep(failures.pauseMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spare.reclaim();
        return null;
    }

    private static String reasonOf(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void report(String failure) {
        if (failure != null) {
            events.publish(new ServerError(0, failure, Instant.now()));
        }
    }

    /** The client's address and port, as its messages' envelopes record it. */
    private static String describe(SocketChannel client) {
        try {
            InetSocketAddress remote = (InetSocketAddress) client.getRemoteAddress();
            return remote == null ? "" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * One connection too many: a 421 and close, without a session. An implicit-TLS client
     * is only closed: it expects a handshake, and would take the 421 for a broken one.
     */
    private void refuse(long id, SocketChannel client, boolean implicitTls) {
        Instant now = Instant.now();
        Reply reply = SmtpSession.serviceClosing(config.smtp().domain(), "Too many connections, try again later");
        if (events.hasListeners()) {
            try {
                events.publish(new SessionOpened(id, (InetSocketAddress) client.getRemoteAddress(), now));
            } catch (IOException ignored) {
                // The client left already.
            }
        }
        try (client) {
            // A blocking write of a few bytes into an empty socket buffer does not wait.
            if (!implicitTls) {
                client.write(ByteBuffer.wrap(reply.wire()));
            }
        } catch (IOException ignored) {
            // The client has gone: nothing more to tell it.
        }
        if (events.hasListeners()) {
            for (String line : implicitTls ? List.<String>of() : reply.lines()) {
                events.publish(new ReplySent(id, line, now));
            }
            events.publish(new SessionClosed(id, SessionClosed.Reason.TOO_MANY_CONNECTIONS, Instant.now()));
        }
    }

    /**
     * A server thread died ({@code thread}, of {@code cause}). What it served is lost, and a
     * server that went on accepting would hand clients to a thread that is gone, so the
     * whole server stops, and the listener is told once it has. Stopping waits for the
     * other threads, so it is done on a thread of its own.
     */
    private void fatal(String thread, Throwable cause) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        // Refused from now on rather than accepted and never greeted.
        closeListener();
        Runnable stopAndTell = () -> {
            String message = thread + " died: " + cause;
            try {
                events.publish(new ServerError(0, message, Instant.now()));
                stop();
            } finally {
                fatalErrors.serverFailed(message, cause);
            }
        };
        try {
            new Thread(stopAndTell, "smtp-failed").start();
        } catch (Throwable e) {
            // No thread to be had (out of memory): the dying thread does it, and stop()
            // waits for that thread in vain until its grace period ends.
            stopAndTell.run();
        }
    }

    private void closeListener() {
        for (ServerSocketChannel channel : new ServerSocketChannel[] {serverChannel, tlsChannel}) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // Closing is all we wanted.
            }
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
        closeListener();
        try {
            // Once the acceptors have ended, no connection can reach a loop behind our back.
            acceptor.join(SHUTDOWN_GRACE_MILLIS);
            if (tlsAcceptor != null) {
                tlsAcceptor.join(SHUTDOWN_GRACE_MILLIS);
            }
            loops.forEach(EventLoop::shutdown);
            for (EventLoop loop : loops) {
                loop.awaitTermination(SHUTDOWN_GRACE_MILLIS);
            }
            disk.shutdown();
            if (tlsEngines != null) {
                tlsEngines.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.publish(new ServerStopped(Instant.now()));
    }

    @Override
    public void close() {
        stop();
    }
}
