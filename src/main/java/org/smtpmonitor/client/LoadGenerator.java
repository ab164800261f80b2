package org.smtpmonitor.client;

import java.io.IOException;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The benchmark's load: C connections sharing N messages of one size. All connections are
 * opened, greeted, EHLO'd and, as asked, secured with TLS and authenticated first
 * ({@link BenchSetup}); then the clock starts and they start together, so connection setup
 * is not part of the rate (the TLS handshakes are reported apart). With a number of
 * messages per connection, connections are replaced while the clock runs instead
 * ({@link SessionLoad}), so that their setup is in the rate.
 */
public final class LoadGenerator {

    /**
     * What to send, where.
     *
     * @param spread each message to one of the recipients in turn (message n to the n-th,
     *               cycling), rather than to all of them
     * @param messagesPerConnection with a number, a new connection for every so many messages, each
     *               set up while the clock runs ({@link SessionLoad}); or {@link #WHOLE_SHARE}
     */
    public record Options(String host, int port, int connections, int messages, int size, String from,
                          List<String> recipients, boolean spread, boolean pipelining, Duration timeout,
                          Security security, int messagesPerConnection) {

        /** Each connection stays open for its whole share of the messages, set up before the clock starts. */
        public static final int WHOLE_SHARE = 0;

        public Options {
            recipients = List.copyOf(recipients);
            if (messagesPerConnection < 0) {
                throw new IllegalArgumentException("messages per connection cannot be negative");
            }
        }

        /** Each connection for its whole share. */
        public Options(String host, int port, int connections, int messages, int size, String from,
                       List<String> recipients, boolean spread, boolean pipelining, Duration timeout,
                       Security security) {
            this(host, port, connections, messages, size, from, recipients, spread, pipelining, timeout, security,
                    WHOLE_SHARE);
        }

        /** True when each connection is replaced after {@link #messagesPerConnection} messages, its setup in the rate. */
        public boolean reconnects() {
            return messagesPerConnection != WHOLE_SHARE;
        }

        /** In the clear, without AUTH. */
        public Options(String host, int port, int connections, int messages, int size, String from,
                       List<String> recipients, boolean spread, boolean pipelining, Duration timeout) {
            this(host, port, connections, messages, size, from, recipients, spread, pipelining, timeout, Security.NONE);
        }
    }

    /**
     * What happened. {@code pipelined} says whether pipelining was used (asked for and offered);
     * {@code problems} holds what went wrong on each connection that had trouble, one line each.
     * With TLS, {@code tls} is the first connection's handshake and {@code handshakes} the time
     * each took (before the clock started, so not in the rate, unless connections were replaced
     * as the run went on); both null without TLS.
     */
    public record Result(String runId, String greeting, boolean pipelined, long ok, long errors, long elapsedNanos,
                         LatencyStatistics latencies, List<String> problems, TlsHandshake tls,
                         LatencyStatistics handshakes) {

        /** Without TLS. */
        public Result(String runId, String greeting, boolean pipelined, long ok, long errors, long elapsedNanos,
                      LatencyStatistics latencies, List<String> problems) {
            this(runId, greeting, pipelined, ok, errors, elapsedNanos, latencies, problems, null, null);
        }

        public double seconds() {
            return elapsedNanos / 1e9;
        }
    }

    /** Setting up a connection failed (refused, greeting refused, EHLO refused): nothing was run. */
    public static final class SetupException extends Exception {
        public SetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Options options;
    private final String runId;

    public LoadGenerator(Options options) {
        this(options, newRunId());
    }

    public LoadGenerator(Options options, String runId) {
        this.options = options;
        this.runId = runId;
    }

    /** Eight random base-36 characters: another run's ids in the same mailbox never match. */
    public static String newRunId() {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            id.append(Character.forDigit(random.nextInt(36), 36));
        }
        return id.toString().toLowerCase(Locale.ROOT);
    }

    public String runId() {
        return runId;
    }

    /**
     * The message every connection sends, or with {@code spread} one for each recipient,
     * whose To: header names that recipient (checks that the size fits the headers).
     */
    public List<BenchMessage> messages() {
        List<List<String>> to = options.spread() ? options.recipients().stream().map(List::of).toList()
                : List.of(options.recipients());
        return to.stream().map(recipients -> BenchMessage.build(options.size(), options.from(), recipients, runId,
                options.messages())).toList();
    }

    /**
     * Runs the load. {@code notes} hears what the person should know but is not the result
     * (pipelining not offered).
     */
    public Result run(Consumer<String> notes) throws SetupException {
        List<BenchMessage> messages = messages();
        if (options.reconnects()) {
            Result result = new SessionLoad(options, messages).run(runId);
            if (options.pipelining() && !result.pipelined()) {
                notes.accept("the server does not offer PIPELINING: sending lock-step instead");
            }
            return result;
        }
        int c = options.connections();
        List<BenchSetup.Ready> connections = new ArrayList<>(c);
        long[] handshakes = new long[c];
        boolean offered = true;
        try {
            for (int i = 0; i < c; i++) {
                BenchSetup.Ready connection = BenchSetup.open(options, i + 1);
                connections.add(connection);
                offered &= connection.pipelining();
                handshakes[i] = connection.tls() == null ? 0 : connection.tls().nanos();
            }
        } catch (SetupException e) {
            closeAll(connections);
            throw e;
        }
        boolean pipelined = options.pipelining() && offered;
        if (options.pipelining() && !offered) {
            notes.accept("the server does not offer PIPELINING: sending lock-step instead");
        }

        List<BenchConnection> workers = new ArrayList<>(c);
        long started;
        try (Selector selector = Selector.open()) {
            long nextId = 1;
            for (int i = 0; i < c; i++) {
                int share = options.messages() / c + (i < options.messages() % c ? 1 : 0);
                BenchConnection worker = new BenchConnection(connections.get(i).transport(),
                        i == 0 ? messages : messages.stream().map(BenchMessage::copy).toList(), nextId, share,
                        options.from(), options.recipients(), options.spread(), pipelined);
                nextId += share;
                worker.register(selector);
                workers.add(worker);
            }
            // One loop starts every connection's first transaction at once: no latch needed.
            started = System.nanoTime();
            BenchLoop.run(selector, workers, options.timeout());
        } catch (IOException e) {
            closeAll(connections);
            throw new SetupException("the event loop failed: " + e.getMessage(), e);
        }
        long finished = started;
        long ok = 0;
        long errors = 0;
        long[][] latencies = new long[c][];
        int[] counts = new int[c];
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            BenchConnection worker = workers.get(i);
            finished = Math.max(finished, worker.finishedAt());
            ok += worker.ok();
            errors += worker.errors();
            latencies[i] = worker.latencies();
            counts[i] = worker.ok();
            if (worker.problem() != null) {
                problems.add("connection " + (i + 1) + ": " + worker.problem());
            }
        }
        TlsHandshake tls = connections.get(0).tls();
        return new Result(runId, connections.get(0).greeting(), pipelined, ok, errors, Math.max(1, finished - started),
                LatencyStatistics.of(latencies, counts), problems, tls, tls == null ? null : LatencyStatistics.of(handshakes));
    }

    private static void closeAll(List<BenchSetup.Ready> connections) {
        for (BenchSetup.Ready connection : connections) {
            try {
                connection.transport().close();
            } catch (IOException e) {
                // closing what was opened for a run that cannot start
            }
        }
    }
}
