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

/**
 * {@code smtp-monitor USERS_FILE --headless} as a real process, started through bash so
 * that a test can set the process up first (such as {@code ulimit -n 120}), with its
 * console log read line by line as it comes. Closing it sends SIGTERM, then kills what is
 * left after 20 s.
 */
public final class HeadlessServer implements AutoCloseable {

    public static final long WAIT_SECONDS = 20;
    private static final Pattern WAITING = Pattern.compile(".* Waiting for connections on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private int matched;
    private boolean ended;

    private HeadlessServer(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code smtp-monitor USERS_FILE --headless ARGUMENTS} (its main class on this
     * JVM's class path) after the bash commands {@code setup}, and waits until it listens.
     */
    public static HeadlessServer start(String setup, Path usersFile, String... arguments) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of("bash", "-c", setup + "\nexec \"$0\" \"$@\"", java.toString(),
                "-cp", System.getProperty("java.class.path"), "org.smtpmonitor.cli.Main", usersFile.toString(),
                "--headless"));
        command.addAll(List.of(arguments));
        HeadlessServer server = new HeadlessServer(new ProcessBuilder(command).redirectErrorStream(true).start());
        Thread reader = new Thread(server::readLog, "headless-server-log");
        reader.setDaemon(true);
        reader.start();
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

    /** Where the server listens, once it says so. */
    public InetSocketAddress address() throws InterruptedException {
        Matcher waiting = awaitLine(WAITING);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(waiting.group(1)));
    }

    /**
     * Waits for the next line (after the last one this returned) that matches
     * {@code pattern}, failing after {@link #WAIT_SECONDS}.
     */
    public synchronized Matcher awaitLine(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            for (; matched < log.size(); matched++) {
                Matcher matcher = pattern.matcher(log.get(matched));
                if (matcher.matches()) {
                    matched++;
                    return matcher;
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (ended || left <= 0) {
                throw new AssertionError("no line like " + pattern + (ended ? " before the process ended" : " within "
                        + WAIT_SECONDS + " s") + "; output so far:\n" + excerpt());
            }
            wait(left);
        }
    }

    /** How many lines so far match. */
    public synchronized long count(Predicate<String> matches) {
        return log.stream().filter(matches).count();
    }

    /** The first and last lines of the log so far, for a failure message. */
    public synchronized String excerpt() {
        if (log.size() <= 60) {
            return String.join("\n", log);
        }
        return String.join("\n", log.subList(0, 30)) + "\n... (" + (log.size() - 60) + " lines)\n"
                + String.join("\n", log.subList(log.size() - 30, log.size()));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within " + WAIT_SECONDS + " s of SIGTERM");
        }
    }
}
