package org.smtpmonitor.mailbox;

import java.nio.file.Path;

/**
 * A users file that cannot be used. The message names the file, the line when there is
 * one, and the reason: {@code users.txt:7: 'bob@@x' is not an address}.
 */
public final class UsersFileException extends Exception {

    private final Path file;
    private final int line;
    private final String reason;

    public UsersFileException(Path file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** The line number, from 1; 0 when the problem is the whole file. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
