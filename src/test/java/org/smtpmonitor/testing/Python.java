package org.smtpmonitor.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a script with the system's Python 3 (the test is skipped where there is none). */
public final class Python {

    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Python() {
    }

    /** Skips the calling test when /usr/bin/python3 is missing. */
    public static void assumeInstalled() {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed");
    }

    /** Runs {@code script} with {@code args}; returns its stdout, failing on a non-zero exit or after 60 s. */
    public static String run(Path workDirectory, String script, String... args) throws IOException, InterruptedException {
        Path file = Files.createTempFile(workDirectory, "script", ".py");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), file.toString()));
        command.addAll(List.of(args));
        return ExternalProcess.run(workDirectory, command, 60);
    }
}
