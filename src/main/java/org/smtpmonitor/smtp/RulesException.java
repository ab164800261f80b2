package org.smtpmonitor.smtp;

/**
 * A rules file that does not parse: its message names the file, the line and the reason,
 * as {@code rules.txt:7: unknown key "dealy"}; or, for the whole file (line 0), the file
 * and the reason ({@code rules.txt: no such file}).
 */
public final class RulesException extends Exception {

    private final String source;
    private final int line;
    private final String reason;

    public RulesException(String source, int line, String reason) {
        super(source + (line > 0 ? ":" + line : "") + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /** The file's name as the rules were read from it. */
    public String source() {
        return source;
    }

    /** The line that is wrong, from 1; 0 when the problem is the whole file. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }
}
