package org.smtpmonitor.mailbox;

import java.nio.file.Path;

import org.smtpmonitor.text.Printable;

/**
 * A users file that cannot be used. The message names the file, the line when there is
 * one, and the reason: {@code users.txt:7: 'bob@@x' is not an address}.
 */
public final class UsersFileException extends Exception {

    private final Path file;
    private final int line;
    private final String reason;

    /** The file name and the reason are escaped ({@link Printable}): both may hold anything a file can. */
    public UsersFileException(Path file, int line, String reason) {
        super(Printable.escape(file + (line > 0 ? ":" + line : "") + ": " + reason));
        this.file = file;
        this.line = line;
        this.reason = Printable.escape(reason);
    }

    public Path file() {
        return file;
    }

    /** The line number, from 1; 0 when the problem is the whole file. */
    public int line() {
        return line;
    }

    /** The reason, escaped as the message is. */
    public String reason() {
        return reason;
    }
}
