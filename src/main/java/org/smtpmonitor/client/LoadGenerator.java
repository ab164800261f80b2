package org.smtpmonitor.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The benchmark's load: C connections sharing N messages of one size. All connections are
 * opened, greeted and EHLO'd first; then the clock starts and they start together, so
 * connection setup is not part of the rate.
 */
public final class LoadGenerator {

    /**
     * What to send, where.
     *
     * @param spread each message to one of the recipients in turn (message n to the n-th,
     *               cycling), rather than to all of them
     */
    public record Options(String host, int port, int connections, int messages, int size, String from,
                          List<String> recipients, boolean spread, boolean pipelining, Duration timeout) {
        public Options {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * What happened. {@code pipelined} says whether pipelining was used (asked for and offered);
     * {@code problems} holds what went wrong on each connection that had trouble, one line each.
     */
    public record Result(String runId, String greeting, boolean pipelined, long ok, long errors, long elapsedNanos,
                         LatencyStatistics latencies, List<String> problems) {
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
        int c = options.connections();
        List<Opened> connections = new ArrayList<>(c);
        String greeting = null;
        boolean offered = true;
        try {
            for (int i = 0; i < c; i++) {
                Opened connection = open();
                connections.add(connection);
                Hello hello = greetAndHello(connection.smtp, i + 1);
                greeting = greeting == null ? hello.greeting() : greeting;
                offered &= hello.pipelining();
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
                BenchConnection worker = new BenchConnection(connections.get(i).channel(),
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
        return new Result(runId, greeting, pipelined, ok, errors, Math.max(1, finished - started),
                LatencyStatistics.of(latencies, counts), problems);
    }

    /** A connection's channel (for the run) and the blocking SmtpConnection over it (for the setup). */
    private record Opened(SocketChannel channel, SmtpConnection smtp) {
    }

    private Opened open() throws SetupException {
        SocketChannel channel = null;
        try {
            InetAddress address = InetAddress.getByName(options.host());
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, options.timeout().toMillis()));
            channel = SocketChannel.open();
            Socket socket = channel.socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address, options.port()), millis);
            socket.setSoTimeout(millis);
            return new Opened(channel, new SmtpConnection(socket));
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new SetupException(ConnectionProblem.ofConnecting(e, options.host(), options.port(),
                    options.timeout()), e);
        }
    }

    /** The greeting's summary, and whether the EHLO reply offers PIPELINING. */
    private record Hello(String greeting, boolean pipelining) {
    }

    private Hello greetAndHello(SmtpConnection connection, int number) throws SetupException {
        try {
            SmtpReply greeting = connection.readReply();
            if (!greeting.isPositiveCompletion()) {
                throw new SetupException("connection " + number + ": the server refused the session: "
                        + greeting.summary(), null);
            }
            SmtpReply hello = connection.command("EHLO " + heloName());
            if (!hello.isPositiveCompletion()) {
                throw new SetupException("connection " + number + ": the server refused EHLO: " + hello.summary(), null);
            }
            // The first line greets; each further one is a keyword and its parameters (RFC 5321 4.1.1.1).
            List<String> texts = hello.texts();
            boolean pipelining = texts.subList(1, texts.size()).stream()
                    .anyMatch(text -> text.strip().split(" ")[0].toUpperCase(Locale.ROOT).equals("PIPELINING"));
            return new Hello(greeting.summary(), pipelining);
        } catch (IOException e) {
            throw new SetupException("connection " + number + ": " + ConnectionProblem.ofSession(e, options.timeout()), e);
        }
    }

    private String heloName() {
        String from = options.from();
        int at = from.lastIndexOf('@');
        return at >= 0 && at < from.length() - 1 ? from.substring(at + 1) : "localhost";
    }

    private static void closeAll(List<Opened> connections) {
        for (Opened connection : connections) {
            try {
                connection.channel().close();
            } catch (IOException e) {
                // closing what was opened for a run that cannot start
            }
        }
    }
}
