package org.smtpmonitor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smtpmonitor.cli.Main;

/**
 * {@code smtp-monitor USERS_FILE --headless --port 0 ...} as a real process, for tests that
 * need what only a process has: signals, a crash, a JVM of its own, a descriptor limit.
 * Its output is read as it comes, so the server never blocks on a full pipe, and a test
 * can wait for a line. {@link #close()} kills it, so a test that fails leaves nothing behind.
 */
public final class HeadlessServerProcess implements AutoCloseable {

    private static final Pattern WAITING = Pattern.compile(".* Waiting for connections on 127\\.0\\.0\\.1:(\\d+)");
    private static final int WAIT_SECONDS = 20;

    private final Process process;
    private final Thread reader;
    private final List<String> log = new ArrayList<>();
    /** How many lines of {@link #log} {@link #awaitLine} has looked at. */
    private int matched;
    private boolean ended;
    private InetSocketAddress address;

    private HeadlessServerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLog, "headless-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the server on an ephemeral port with these options after {@code --headless}
     * (for example {@code --mailbox-dir DIR}) and waits until it listens.
     */
    public static HeadlessServerProcess start(Path usersFile, String... options) throws IOException, InterruptedException {
        return start("", List.of(), usersFile, options);
    }

    /**
     * As {@link #start(Path, String...)}, after the bash commands {@code shellSetup} (such as
     * {@code ulimit -n 120}; none if empty) and with options for the server's JVM (such as
     * {@code -Xmx256m}).
     */
    public static HeadlessServerProcess start(String shellSetup, List<String> jvmOptions, Path usersFile,
            String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (!shellSetup.isEmpty()) {
            // exec, so that the process the test signals is the JVM itself, not bash.
            command.addAll(List.of("bash", "-c", shellSetup + "\nexec \"$0\" \"$@\""));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                usersFile.toString(), "--headless", "--port", "0"));
        command.addAll(List.of(options));
        HeadlessServerProcess server = new HeadlessServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        try {
            server.address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(server.awaitLine(WAITING).group(1)));
        } catch (RuntimeException | Error | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (this) {
                    log.add(line);
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // The process ended.
        }
        synchronized (this) {
            ended = true;
            notifyAll();
        }
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return address;
    }

    /** The server's process id (its JVM's, as the shell setup ends in exec). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The next line (after the last one this returned) like {@code pattern}; fails after 20 s or at the end of output. */
    public synchronized Matcher awaitLine(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            while (matched < log.size()) {
                Matcher matcher = pattern.matcher(log.get(matched++));
                if (matcher.matches()) {
                    return matcher;
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (ended || left <= 0) {
                throw new AssertionError("no line like " + pattern + (ended ? " before the output ended" : " within "
                        + WAIT_SECONDS + " s") + "; output so far:\n" + excerpt());
            }
            wait(left);
        }
    }

    /** How many lines so far match. */
    public synchronized long count(Predicate<String> matches) {
        return log.stream().filter(matches).count();
    }

    /** The first and last lines of the output so far, for a failure message. */
    public synchronized String excerpt() {
        if (log.size() <= 60) {
            return String.join("\n", log);
        }
        return String.join("\n", log.subList(0, 30)) + "\n... (" + (log.size() - 60) + " lines)\n"
                + String.join("\n", log.subList(log.size() - 30, log.size()));
    }

    /**
     * Sends SIGTERM; false if it could not be sent. Unlike {@link Process#destroy()}, this
     * keeps our end of the output open, so what the server says while it stops can be read.
     */
    public boolean terminate() {
        return process.toHandle().destroy();
    }

    /** Sends SIGKILL (the output stays readable, as with {@link #terminate()}) and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not die within " + WAIT_SECONDS + " s of SIGKILL");
        }
    }

    /** Waits for the process to end after {@code reason}; its exit status, or fails after {@code seconds}. */
    public int awaitExit(int seconds, String reason) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not stop within " + seconds + " s of " + reason
                    + "; output so far:\n" + excerpt());
        }
        return process.exitValue();
    }

    /** Every line the server has printed so far (all of them once it has ended). */
    public List<String> output() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(5000);
        }
        synchronized (this) {
            return List.copyOf(log);
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
