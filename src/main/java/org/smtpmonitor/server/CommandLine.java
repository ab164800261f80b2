package org.smtpmonitor.server;

/** What the {@link SmtpDecoder} makes of one command line: its text, or the fact that it was too long. */
sealed interface CommandLine {

    /** The one {@link TooLong}: it carries nothing, so there is no need for more. */
    TooLong TOO_LONG = new TooLong();

    /**
     * A whole line, without its line ending, decoded as UTF-8: each byte sequence that is not
     * UTF-8 (overlong forms and encoded surrogates included) becomes U+FFFD.
     */
    record Text(String text) implements CommandLine {
    }

    /** A line that went past the length limit: none of it is kept, and its rest is skipped. */
    record TooLong() implements CommandLine {
    }
}
