package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * When the system property {@code smtpmonitor.pulseLog} names a file, appends a JSON line
 * to it every second: the longest gap between FX pulses in that second, pulses so far and
 * heap in use. bench/compare.sh reads it to see how the window fares under load. Runs on
 * a thread of its own: the FX thread does no file I/O.
 */
final class PulseLog {

    static final String PROPERTY = "smtpmonitor.pulseLog";

    private PulseLog() {
    }

    /** Starts the log if the property asks for one. */
    static void startIfAsked(PulseStatistics pulses) {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        Thread thread = new Thread(() -> run(Path.of(file), pulses), "pulse-log");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run(Path file, PulseStatistics pulses) {
        var memory = ManagementFactory.getMemoryMXBean();
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            String line = String.format(Locale.ROOT, "{\"at\":\"%s\",\"maxPulseGapMs\":%.1f,\"pulses\":%d,\"heapUsedMB\":%.1f}%n",
                    Instant.now(), pulses.takeLongestGapNanos() / 1e6, pulses.pulses(),
                    memory.getHeapMemoryUsage().getUsed() / 1048576.0);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(line);
            } catch (IOException e) {
                System.err.println("smtp-monitor: cannot write the pulse log " + file + ": " + e.getMessage());
                return;
            }
        }
    }
}
