package org.smtpmonitor.event;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The watched users file changed: the users {@code added} and {@code removed}, or, when the
 * new file could not be read, {@code problem} ({@code file:line: reason}) and the previous
 * list kept.
 */
public record UsersFileChanged(Path file, List<String> added, List<String> removed, String problem, Instant at)
        implements SessionEvent {
}
