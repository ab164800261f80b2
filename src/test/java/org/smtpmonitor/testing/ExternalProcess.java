package org.smtpmonitor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real tool (curl, python3) for a test: output captured, time bounded, failure explained. */
public final class ExternalProcess {

    private ExternalProcess() {
    }

    /** Runs {@code command} in {@code workDirectory}; returns its stdout, failing on a non-zero exit or a timeout. */
    public static String run(Path workDirectory, List<String> command, int timeoutSeconds)
            throws IOException, InterruptedException {
        return run(workDirectory, command, Path.of("/dev/null"), timeoutSeconds);
    }

    /** As {@link #run(Path, List, int)}, with {@code input} as its stdin (what a person would type, say). */
    public static String run(Path workDirectory, List<String> command, Path input, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDirectory, "stdout", ".txt");
        Path err = Files.createTempFile(workDirectory, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(workDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(input.toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within " + timeoutSeconds + " s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + process.exitValue() + "\nstdout: " + stdout
                    + "\nstderr: " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return stdout;
    }
}
