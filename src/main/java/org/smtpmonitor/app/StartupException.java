package org.smtpmonitor.app;

import java.nio.file.Path;

import org.smtpmonitor.text.Printable;

/**
 * smtp-monitor could not start; the message is one line for the user, such as
 * {@code users.txt:3: 'bob@@x' is not an address} or
 * {@code port 12000 on 127.0.0.1 is already in use}.
 */
public final class StartupException extends Exception {

    /** What failed, so a window can offer the right way out. */
    public enum Kind { USERS_FILE, MAILBOX_DIRECTORY, PORT, TLS, RULES_FILE }

    private final Kind kind;
    private final Path usersFile;

    /** The message is escaped ({@link Printable}): it quotes file names and file contents. */
    public StartupException(Kind kind, Path usersFile, String message, Throwable cause) {
        super(Printable.escape(message), cause);
        this.kind = kind;
        this.usersFile = usersFile;
    }

    public Kind kind() {
        return kind;
    }

    public Path usersFile() {
        return usersFile;
    }
}
