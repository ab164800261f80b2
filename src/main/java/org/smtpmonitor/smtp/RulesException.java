package org.smtpmonitor.smtp;

/**
 * A rules file that does not parse: its message names the file, the line and the reason,
 * as {@code rules.txt:7: unknown key "dealy"}.
 */
public final class RulesException extends Exception {

    private final String source;
    private final int line;
    private final String reason;

    public RulesException(String source, int line, String reason) {
        super(source + ":" + line + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /** The file's name as the rules were read from it. */
    public String source() {
        return source;
    }

    /** The line that is wrong, from 1. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }
}
