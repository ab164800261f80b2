package org.smtpmonitor.server;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.SessionClosed.Reason;

/**
 * One thread that serves many connections with a selector. Each turn it reads what has
 * arrived on every ready connection, answers the commands, writes each finished message
 * to its mailboxes and hands them to the disk thread to wait for the disk together
 * (group commit: one fdatasync per mailbox for them all, not one per message), and
 * writes every reply; the messages are answered once the disk has them.
 *
 * <p>Serving connections from a few threads instead of a thread each saves the context
 * switches of a blocking read per command, which on a busy server cost more than the
 * SMTP work itself.
 *
 * <p>A loop (or its wait on the disk thread) that fails for any reason closes its
 * connections and reports the failure, which stops the whole server.
 */
final class EventLoop implements Runnable {

    private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Selector selector;
    private final EventBus events;
    private final Runnable onConnectionClosed;
    private final BiConsumer<String, Throwable> onFailure;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Handed over by the acceptor, not yet taken on by this thread. */
    private final Set<ClientConnection> arriving = ConcurrentHashMap.newKeySet();
    private final Set<ClientConnection> connections = new HashSet<>();
    private final List<ClientConnection> awaitingDisk = new ArrayList<>();
    private final Set<ClientConnection> toFlush = new LinkedHashSet<>();
    /** Tasks due at a time of System.nanoTime(), soonest first: replies held back on purpose. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.comparingLong(Timer::at));
    private final Thread thread;
    private final Executor disk;
    private boolean diskBusy;
    private volatile boolean stopping;
    /** The thread has ended: nothing handed over now would ever be served. */
    private volatile boolean ended;
    private long nextIdleCheck;

    /**
     * @param disk      where to wait for the disk, away from this loop's thread
     * @param onFailure told the name of a thread (this loop's, or the disk thread) that failed, and why
     */
    EventLoop(String name, EventBus events, Executor disk, Runnable onConnectionClosed,
              BiConsumer<String, Throwable> onFailure) throws IOException {
        this.selector = Selector.open();
        this.disk = disk;
        this.events = events;
        this.onConnectionClosed = onConnectionClosed;
        this.onFailure = onFailure;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Takes over an accepted connection (from the acceptor thread). */
    void register(SocketChannel channel, ClientConnection connection) {
        arriving.add(connection);
        execute(() -> {
            if (!arriving.remove(connection)) {
                return;
            }
            connections.add(connection);
            try {
                channel.configureBlocking(false);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ, connection);
                if (stopping) {
                    connection.stop();
                }
                connection.open(key, System.nanoTime());
            } catch (IOException e) {
                connection.close(Reason.ERROR);
            }
        });
        if (ended) {
            closeArrivals();
        }
    }

    /** Closes the connections handed over to a loop that has ended: they are refused, not left ungreeted. */
    private void closeArrivals() {
        for (ClientConnection connection : arriving) {
            if (arriving.remove(connection)) {
                connection.close(Reason.ERROR);
                onConnectionClosed.run();
            }
        }
    }

    /** Runs {@code task} on this loop's thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Server shutdown: every connection gets its 421; the thread ends when the last one closes. */
    void shutdown() {
        execute(() -> {
            stopping = true;
            for (ClientConnection connection : new ArrayList<>(connections)) {
                connection.stop();
            }
        });
    }

    /** Waits for the thread to end; closes what is left after {@code millis}. */
    void awaitTermination(long millis) throws InterruptedException {
        thread.join(millis);
        if (thread.isAlive()) {
            execute(() -> {
                for (ClientConnection connection : new ArrayList<>(connections)) {
                    connection.close(Reason.SERVER_SHUTDOWN);
                }
            });
            thread.join(1000);
        }
    }

    void awaitDisk(ClientConnection connection) {
        awaitingDisk.add(connection);
    }

    /**
     * The messages written in this turn wait for the disk together: the first sync of each
     * mailbox covers them all. The waiting is done on the disk thread, so that this loop
     * goes on serving its other connections meanwhile (their messages then share the next
     * sync), unless there are no others: then the two thread hand-offs would only add to
     * the message's latency.
     */
    private void waitForDisk() {
        List<ClientConnection> batch = new ArrayList<>(awaitingDisk);
        awaitingDisk.clear();
        if (connections.size() <= 1) {
            for (ClientConnection connection : batch) {
                connection.finishDelivery();
            }
            return;
        }
        diskBusy = true;
        disk.execute(() -> {
            Throwable failure = null;
            try {
                for (ClientConnection connection : batch) {
                    connection.awaitDurable();
                }
            } catch (Throwable e) {
                failure = e;
                abandon(batch, e);
            }
            try {
                // Whatever happened, the batch is answered: its clients must not wait forever.
                execute(() -> {
                    diskBusy = false;
                    for (ClientConnection connection : batch) {
                        connection.finishDelivery();
                    }
                });
            } catch (Throwable e) {
                failure = failure == null ? e : failure;
            }
            if (failure != null) {
                onFailure.accept(Thread.currentThread().getName(), failure);
            }
        });
    }

    /** The wait for the disk failed: every message of the batch not known to be on disk gets a 451. */
    private static void abandon(List<ClientConnection> batch, Throwable failure) {
        try {
            String reason = "the wait for the disk failed: " + failure;
            for (ClientConnection connection : batch) {
                connection.abandonDelivery(reason);
            }
        } catch (Throwable ignored) {
            // Out of memory even for this: the loop then meets the failure itself, and stops too.
        }
    }

    /** A task due at {@code at}, a time of System.nanoTime(). */
    private record Timer(long at, Runnable task) {
    }

    /**
     * Runs {@code task} on this loop's thread once System.nanoTime() has reached {@code at}
     * (the loop wakes for it): a wait that holds up neither this thread nor its other
     * connections. Called on this loop's thread only.
     */
    void runAt(long at, Runnable task) {
        timers.add(new Timer(at, task));
    }

    void needsFlush(ClientConnection connection) {
        toFlush.add(connection);
    }

    void closed(ClientConnection connection) {
        if (connections.remove(connection)) {
            toFlush.remove(connection);
            onConnectionClosed.run();
        }
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            while (!(stopping && connections.isEmpty())) {
                turn();
            }
        } catch (Throwable e) {
            failure = e;
            // Their memory goes, and their clients learn at once that nobody serves them.
            for (ClientConnection connection : new ArrayList<>(connections)) {
                try {
                    connection.close(Reason.ERROR);
                } catch (Throwable ignored) {
                    // The next one may fare better; the failure is reported below.
                }
            }
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // Closing is all we wanted.
            }
            ended = true;
            try {
                closeArrivals();
            } catch (Throwable e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            onFailure.accept(thread.getName(), failure);
        }
    }

    private void turn() throws IOException {
        Timer firstTimer = timers.peek();
        long wake = firstTimer == null ? nextIdleCheck : Math.min(nextIdleCheck, firstTimer.at());
        long timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - System.nanoTime()));
        if (tasks.isEmpty()) {
            selector.select(Math.min(timeout, 100));
        } else {
            selector.selectNow();
        }
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
        long now = System.nanoTime();
        for (Timer timer = timers.peek(); timer != null && timer.at() - now <= 0; timer = timers.peek()) {
            timers.poll();
            timer.task().run();
        }
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            ClientConnection connection = (ClientConnection) key.attachment();
            try {
                if (key.isValid() && key.isWritable()) {
                    connection.onWritable();
                }
                if (key.isValid() && key.isReadable()) {
                    connection.onReadable(now);
                }
            } catch (CancelledKeyException e) {
                connection.close(Reason.CLIENT_DISCONNECTED);
            }
        }
        if (!awaitingDisk.isEmpty() && !diskBusy) {
            waitForDisk();
        }
        List<ClientConnection> flushing = new ArrayList<>(toFlush);
        toFlush.clear();
        for (ClientConnection connection : flushing) {
            connection.flush();
        }
        if (now >= nextIdleCheck) {
            for (ClientConnection connection : new ArrayList<>(connections)) {
                connection.checkTimeout(now);
            }
            nextIdleCheck = now + IDLE_CHECK_NANOS;
        }
    }
}
