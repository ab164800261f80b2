package org.smtpmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency direction of the packages as docs/ARCHITECTURE.md describes it, by reading
 * the imports of the main sources.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/org/smtpmonitor");

    /** What each package must not import (a prefix of the imported name). */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "event", List.of("org.smtpmonitor.", "javafx."),
            "text", List.of("org.smtpmonitor.", "javafx."),
            "smtp", List.of("org.smtpmonitor.server", "org.smtpmonitor.mailbox", "org.smtpmonitor.app",
                    "org.smtpmonitor.ui", "org.smtpmonitor.cli", "org.smtpmonitor.client", "java.net.", "javafx."),
            "mailbox", List.of("org.smtpmonitor.server", "org.smtpmonitor.app", "org.smtpmonitor.ui",
                    "org.smtpmonitor.cli", "org.smtpmonitor.client", "javafx."),
            "server", List.of("org.smtpmonitor.mailbox", "org.smtpmonitor.app", "org.smtpmonitor.ui",
                    "org.smtpmonitor.cli", "org.smtpmonitor.client", "javafx."),
            "app", List.of("org.smtpmonitor.ui", "org.smtpmonitor.cli", "javafx."),
            "client", List.of("org.smtpmonitor.server", "org.smtpmonitor.mailbox", "org.smtpmonitor.ui", "javafx."),
            "cli", List.of("javafx."),
            "message", List.of("org.smtpmonitor.smtp", "org.smtpmonitor.server", "org.smtpmonitor.mailbox",
                    "org.smtpmonitor.event", "org.smtpmonitor.app", "org.smtpmonitor.ui", "org.smtpmonitor.cli",
                    "org.smtpmonitor.client", "javafx."));

    /** No mail or SMTP library may handle our sockets, in any package. */
    private static final List<String> MAIL_LIBRARIES = List.of("jakarta.mail", "javax.mail", "org.eclipse.angus",
            "org.subethamail", "com.icegreen", "org.apache.commons.net");

    /** The MIME parser reads stored messages for the message package, and for no one else. */
    private static final String MIME_LIBRARY = "org.apache.james";

    @Test
    void packagesImportOnlyWhatTheArchitectureAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                List<String> forbidden = new ArrayList<>(FORBIDDEN.getOrDefault(pkg, List.of()));
                forbidden.addAll(MAIL_LIBRARIES);
                if (!pkg.equals("message")) {
                    forbidden.add(MIME_LIBRARY);
                }
                for (String line : Files.readAllLines(file)) {
                    if (!line.startsWith("import ")) {
                        continue;
                    }
                    String imported = line.substring(line.startsWith("import static ") ? 14 : 7).replace(";", "").strip();
                    for (String prefix : forbidden) {
                        boolean ownPackage = imported.startsWith("org.smtpmonitor." + pkg + ".");
                        if (imported.startsWith(prefix) && !ownPackage) {
                            violations.add(MAIN.relativize(file) + " imports " + imported);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theScanSeesTheSources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve("smtp"))) {
            assertFalse(files.filter(f -> f.toString().endsWith(".java")).toList().isEmpty());
        }
    }
}
