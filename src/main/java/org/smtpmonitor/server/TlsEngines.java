package org.smtpmonitor.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The server's side of TLS, shared by its connections: makes each connection's
 * {@link SSLEngine}, and runs the engines' delegated tasks (the handshake's costly
 * computing: key exchange and signature, a millisecond or more each) on a few threads of
 * its own, so that a loop goes on serving its other connections during a handshake.
 */
final class TlsEngines implements AutoCloseable {

    /** TLS 1.0 and 1.1 are deprecated (RFC 8996): a client that offers nothing newer is refused. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;
    private final ExecutorService tasks;

    TlsEngines(SSLContext context, int threads) {
        this.context = context;
        AtomicInteger count = new AtomicInteger();
        this.tasks = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "smtp-tls-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A server-side engine that speaks TLS 1.2 or 1.3 only. */
    SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
    }

    /**
     * Runs the delegated tasks of {@code tls} on a TLS thread, then {@code whenDone} on
     * {@code loop}'s thread. A task that fails is not ours to report: the engine keeps its
     * failure and throws it at the next wrap or unwrap, which closes that connection only.
     *
     * @throws RejectedExecutionException when the server is stopping
     */
    void runDelegatedTasks(TlsLayer tls, EventLoop loop, Runnable whenDone) {
        Runnable work = tls.startTasks();
        tasks.execute(() -> {
            try {
                work.run();
            } catch (Throwable ignored) {
                // See above: the engine reports it.
            } finally {
                loop.execute(() -> {
                    tls.tasksDone();
                    whenDone.run();
                });
            }
        });
    }

    @Override
    public void close() {
        tasks.shutdown();
    }
}
