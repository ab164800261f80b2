package org.smtpmonitor.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * aiosmtpd (Debian's python3-aiosmtpd) as a {@link TlsSmtpServer}: a process running
 * {@code aiosmtpd_tls_server.py}, which stores each message in a file of its own with what
 * it knew of its session. The test is skipped where Python or aiosmtpd is missing.
 */
public final class AiosmtpdServer implements TlsSmtpServer {

    private static final Pattern LISTENING = Pattern.compile("listening (\\d+)\n");
    private static final Pattern FACT = Pattern.compile("\"(tls|auth)\": (null|\"([^\"]*)\")");

    private final Process process;
    private final Path messages;
    private final int port;

    private AiosmtpdServer(Process process, Path messages, int port) {
        this.process = process;
        this.messages = messages;
        this.port = port;
    }

    public static AiosmtpdServer start(Path directory, Mode mode, TestCertificate certificate, Map<String, String> users)
            throws IOException, InterruptedException {
        Python.assumeInstalled();
        assumeTrue(new ProcessBuilder(Python.PYTHON.toString(), "-c", "import aiosmtpd").start().waitFor() == 0,
                "aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
        Path script = directory.resolve("aiosmtpd_tls_server.py");
        try (InputStream in = AiosmtpdServer.class.getResourceAsStream("aiosmtpd_tls_server.py")) {
            Files.copy(in, script);
        }
        Path messages = Files.createDirectories(directory.resolve("aiosmtpd-messages"));
        List<String> command = new ArrayList<>(List.of(Python.PYTHON.toString(), script.toString(), messages.toString(),
                "--mode", mode.name().toLowerCase(Locale.ROOT), "--cert", certificate.certificate().toString(),
                "--key", certificate.key().toString()));
        users.forEach((user, password) -> command.addAll(List.of("--user", user + ":" + password)));
        Path out = directory.resolve("aiosmtpd.out");
        Path err = directory.resolve("aiosmtpd.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Await.until("aiosmtpd listens", Duration.ofSeconds(20),
                    () -> LISTENING.matcher(Files.readString(out)).find() || !process.isAlive(),
                    () -> "stderr: " + read(err));
            Matcher listening = LISTENING.matcher(Files.readString(out));
            if (!listening.find()) {
                throw new AssertionError("aiosmtpd ended before it listened: " + read(err));
            }
            return new AiosmtpdServer(process, messages, Integer.parseInt(listening.group(1)));
        } catch (RuntimeException | Error | InterruptedException | IOException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public int port() {
        return port;
    }

    /** aiosmtpd does not implement PIPELINING. */
    @Override
    public boolean offersPipelining() {
        return false;
    }

    @Override
    public List<Received> received() throws IOException {
        List<Received> received = new ArrayList<>();
        for (int n = 1; Files.exists(messages.resolve(n + ".json")); n++) {
            String facts = Files.readString(messages.resolve(n + ".json"), StandardCharsets.UTF_8);
            String tls = null;
            String auth = null;
            for (Matcher fact = FACT.matcher(facts); fact.find(); ) {
                if (fact.group(1).equals("tls")) {
                    tls = fact.group(3);
                } else {
                    auth = fact.group(3);
                }
            }
            received.add(new Received(Files.readAllBytes(messages.resolve(n + ".eml")), tls, auth));
        }
        return received;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
