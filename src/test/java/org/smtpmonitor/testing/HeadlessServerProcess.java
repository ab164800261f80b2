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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smtpmonitor.cli.Main;

/**
 * {@code smtp-monitor USERS_FILE --headless --port 0 ...} as a real process, for tests that
 * need what only a process has: signals, a crash, a JVM of its own. Its output is read as
 * it comes, so the server never blocks on a full pipe, and a test can wait for a line.
 * {@link #close()} kills it, so a test that fails leaves nothing behind.
 */
public final class HeadlessServerProcess implements AutoCloseable {

    private static final Pattern WAITING = Pattern.compile(".* Waiting for connections on 127\\.0\\.0\\.1:(\\d+)");
    private static final int LINE_TIMEOUT_SECONDS = 20;

    private final Process process;
    private final Thread reader;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> log = new ArrayList<>();
    private InetSocketAddress address;

    private HeadlessServerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "headless-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the server on an ephemeral port with these options after {@code --headless}
     * (for example {@code --mailbox-dir DIR}) and waits until it listens.
     */
    public static HeadlessServerProcess start(Path usersFile, String... options) throws IOException, InterruptedException {
        return start(List.of(), usersFile, options);
    }

    /** As {@link #start(Path, String...)}, with options for the server's JVM (such as {@code -Xmx256m}). */
    public static HeadlessServerProcess start(List<String> jvmOptions, Path usersFile, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                usersFile.toString(), "--headless", "--port", "0"));
        command.addAll(List.of(options));
        HeadlessServerProcess server = new HeadlessServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        try {
            int port = Integer.parseInt(server.awaitLine(WAITING).group(1));
            server.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        } catch (RuntimeException | Error | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public InetSocketAddress address() {
        return address;
    }

    public Process process() {
        return process;
    }

    /**
     * Reads output lines until one matches {@code pattern}, failing after 20 s with the
     * output so far.
     */
    public Matcher awaitLine(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINE_TIMEOUT_SECONDS);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line like " + pattern + " within " + LINE_TIMEOUT_SECONDS
                        + " s; output so far:\n" + String.join("\n", log));
            }
            log.add(line);
            Matcher matcher = pattern.matcher(line);
            if (matcher.matches()) {
                return matcher;
            }
        }
    }

    /**
     * Sends SIGTERM. Unlike {@link Process#destroy()}, this keeps our end of the output
     * open, so what the server says while it stops can still be read. False if the
     * signal could not be sent.
     */
    public boolean terminate() {
        return process.toHandle().destroy();
    }

    /** Sends SIGKILL (the output stays readable, as with {@link #terminate()}) and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not die within " + LINE_TIMEOUT_SECONDS + " s of SIGKILL");
        }
    }

    /** Waits for the process to end by itself; its exit status, or fails after {@code seconds}. */
    public int awaitExit(int seconds, String reason) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not stop within " + seconds + " s of " + reason
                    + "; output so far:\n" + String.join("\n", output()));
        }
        return process.exitValue();
    }

    /**
     * Every line the server has printed so far (all of it once the process has ended and
     * its output been read to the end).
     */
    public List<String> output() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(5000);
        }
        lines.drainTo(log);
        return List.copyOf(log);
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
