package org.smtpmonitor.client;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's load with a new connection for every M messages: C clients at once, each
 * opening session after session (connect, greeting, EHLO, TLS handshake, AUTH, M messages,
 * QUIT) until the N messages are shared out. The clock runs from before the first connect,
 * so every session's setup, its TLS handshake above all, is in the rate: what a server
 * serves to applications that send each message on a connection of their own.
 *
 * <p>Each client is a thread of its own: the setup is the blocking {@link BenchSetup} of the
 * steady load, and a session's messages then run through {@link BenchLoop} on the client's
 * own selector. A thread per connection costs context switches that the steady load's one
 * loop avoids, but here each session's handshake costs far more than they do.
 */
final class SessionLoad {

    private final LoadGenerator.Options options;
    private final List<BenchMessage> messages;
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicInteger nextSession = new AtomicInteger(1);

    SessionLoad(LoadGenerator.Options options, List<BenchMessage> messages) {
        this.options = options;
        this.messages = messages;
    }

    LoadGenerator.Result run(String runId) throws LoadGenerator.SetupException {
        int c = options.connections();
        List<Client> clients = new ArrayList<>(c);
        List<Thread> threads = new ArrayList<>(c);
        long started = System.nanoTime();
        for (int i = 0; i < c; i++) {
            Client client = new Client(i == 0 ? messages : messages.stream().map(BenchMessage::copy).toList(), started);
            clients.add(client);
            Thread thread = new Thread(client, "bench-client-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadGenerator.SetupException("interrupted while the sessions ran", e);
        }
        return result(runId, clients, started);
    }

    private LoadGenerator.Result result(String runId, List<Client> clients, long started)
            throws LoadGenerator.SetupException {
        long finished = started;
        long ok = 0;
        long errors = 0;
        boolean pipelined = options.pipelining();
        List<long[]> parts = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        List<Long> handshakes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String greeting = null;
        TlsHandshake tls = null;
        for (Client client : clients) {
            finished = Math.max(finished, client.finishedAt);
            ok += client.ok;
            errors += client.errors;
            parts.addAll(client.latencies);
            counts.addAll(client.counts);
            handshakes.addAll(client.handshakes);
            if (client.problem != null) {
                problems.add(client.problem + (client.troubled > 1 ? " (and " + (client.troubled - 1)
                        + " more of that client's sessions)" : ""));
            }
            pipelined &= client.pipelined;
            if (greeting == null) {
                greeting = client.greeting;
                tls = client.tls;
            }
        }
        if (greeting == null) {
            // Not one session got as far as its EHLO: nothing was run, as when the steady load cannot start.
            throw new LoadGenerator.SetupException(problems.isEmpty() ? "no session could be set up"
                    : problems.get(0), null);
        }
        // Messages no client took, because every client stopped at a failed setup.
        errors += Math.max(0, options.messages() - ok - errors);
        long[][] latencies = parts.toArray(long[][]::new);
        int[] latencyCounts = counts.stream().mapToInt(Integer::intValue).toArray();
        return new LoadGenerator.Result(runId, greeting, pipelined, ok, errors, Math.max(1, finished - started),
                LatencyStatistics.of(latencies, latencyCounts), problems, tls,
                tls == null ? null : LatencyStatistics.of(handshakes.stream().mapToLong(Long::longValue).toArray()));
    }

    /** One client: session after session, until no messages are left or a session cannot be set up. */
    private final class Client implements Runnable {

        private final List<BenchMessage> messages;
        private final List<long[]> latencies = new ArrayList<>();
        private final List<Integer> counts = new ArrayList<>();
        private final List<Long> handshakes = new ArrayList<>();
        /** The first trouble of its sessions, and how many had trouble: one line a client, as one a connection. */
        private String problem;
        private int troubled;
        private long finishedAt;
        private long ok;
        private long errors;
        private boolean pipelined = true;
        private String greeting;
        private TlsHandshake tls;

        Client(List<BenchMessage> messages, long started) {
            this.messages = messages;
            this.finishedAt = started;
        }

        @Override
        public void run() {
            int perSession = options.messagesPerConnection();
            try (Selector selector = Selector.open()) {
                while (true) {
                    long first = nextId.getAndAdd(perSession);
                    if (first > options.messages()) {
                        return;
                    }
                    int count = (int) Math.min(perSession, options.messages() - first + 1);
                    if (!session(selector, first, count)) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                trouble("its event loop failed: " + e);
            }
        }

        /** One session of {@code count} messages from id {@code first}; false if it could not be set up. */
        private boolean session(Selector selector, long first, int count) throws IOException {
            BenchSetup.Ready ready;
            try {
                ready = BenchSetup.open(options, nextSession.getAndIncrement());
            } catch (LoadGenerator.SetupException e) {
                errors += count;
                trouble(e.getMessage());
                finishedAt = Math.max(finishedAt, System.nanoTime());
                return false;
            }
            if (greeting == null) {
                greeting = ready.greeting();
                tls = ready.tls();
            }
            if (ready.tls() != null) {
                handshakes.add(ready.tls().nanos());
            }
            boolean pipelining = options.pipelining() && ready.pipelining();
            pipelined &= pipelining;
            BenchConnection connection = new BenchConnection(ready.transport(), messages, first, count, options.from(),
                    options.recipients(), options.spread(), pipelining);
            try {
                connection.register(selector);
                BenchLoop.run(selector, List.of(connection), options.timeout());
            } catch (IOException | RuntimeException e) {
                // The socket must not be left open; the failure is told by run().
                connection.end("its event loop failed");
                throw e;
            }
            finishedAt = Math.max(finishedAt, connection.finishedAt());
            ok += connection.ok();
            errors += connection.errors();
            latencies.add(connection.latencies());
            counts.add(connection.ok());
            if (connection.problem() != null) {
                trouble("the session of messages " + first + " to " + (first + count - 1) + ": " + connection.problem());
            }
            return true;
        }

        private void trouble(String what) {
            if (problem == null) {
                problem = what;
            }
            troubled++;
        }
    }
}
