package org.smtpmonitor.event;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The users file was read again (it was edited, or the server started again): {@code added}
 * and {@code removed} users as the file spells them, catch-all lines as {@code *@domain}.
 *
 * @param problem null when the new list applied; else why not, {@code file:line: reason}
 *                (the previous list is kept, and both lists are empty)
 */
public record UsersFileChanged(Path file, List<String> added, List<String> removed, String problem, Instant at)
        implements SessionEvent {

    public UsersFileChanged {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }
}
