package org.smtpmonitor.smtp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The check of one session's client: what it does that a well-behaved SMTP client does
 * not, each kind of fault told once per session, at its first occurrence, with the RFC
 * section that says how it should be. Warnings change nothing in the session: the mail is
 * taken and stored as before. A client that repeats a fault in every message is told once,
 * since the first warning says what to fix, and a session's transcript stays readable.
 *
 * <p>Pure and cheap: a kind already told is not looked for again in this session.
 */
public final class ClientCheck {

    /** The longest line of message data, without its CRLF (RFC 5322 2.1.1; RFC 5321 4.5.3.1.6). */
    public static final int MAX_LINE_LENGTH = 998;
    /** The most of a HELO name quoted in a warning. */
    private static final int MAX_QUOTED = 100;

    /** A kind of fault, with its short stable id ({@code bare-lf}) for events and filters. */
    public enum Kind {
        BARE_CR("bare-cr"),
        BARE_LF("bare-lf"),
        EIGHT_BIT_WITHOUT_8BITMIME("8bit-without-8bitmime"),
        LINE_TOO_LONG("line-too-long"),
        MISSING_HEADER("missing-header"),
        PIPELINING_NOT_OFFERED("pipelining-not-offered"),
        BAD_HELO_NAME("bad-helo-name"),
        SIZE_EXCEEDED("size-exceeded");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** One fault of the client: its kind, and what it is in words, naming the RFC section. */
    public record Warning(Kind kind, String text) {
    }

    static final String BARE_CR_TEXT = "bare CR in the message data (RFC 5321 2.3.8: lines end in CRLF,"
            + " and a CR is sent only before its LF)";
    static final String BARE_LF_TEXT = "bare LF in the message data (RFC 5321 2.3.8 and 4.1.1.4: lines end in CRLF;"
            + " a bare LF ends no line, and LF.LF does not end the data)";
    static final String EIGHT_BIT_TEXT = "8-bit data (bytes over 127) in a message whose MAIL gave neither"
            + " BODY=8BITMIME nor SMTPUTF8 (RFC 6152 3; RFC 6531 3.4)";
    static final String LINE_TOO_LONG_TEXT = "a line of the message data is over " + MAX_LINE_LENGTH
            + " bytes (RFC 5322 2.1.1; RFC 5321 4.5.3.1.6: at most 1000 with its CRLF)";
    static final String PIPELINING_TEXT = "a command came before the reply to the command before it, but"
            + " PIPELINING was not offered (RFC 5321 4.3.1: the client waits for each reply;"
            + " RFC 2920 3: only an EHLO reply offers PIPELINING)";

    private final Set<Kind> told = EnumSet.noneOf(Kind.class);

    /** A warning about the HELO or EHLO name, unless it is a domain or an address literal (or one was told). */
    Warning heloName(String verb, String name) {
        if (told.contains(Kind.BAD_HELO_NAME) || HeloName.isValid(name)) {
            return null;
        }
        String quoted = name.length() > MAX_QUOTED ? name.substring(0, MAX_QUOTED) + "..." : name;
        return tell(Kind.BAD_HELO_NAME, verb + " name \"" + quoted + "\" is neither a domain nor an address literal"
                + " (RFC 5321 4.1.1.1, 4.1.2 and 4.1.3: letters, digits, hyphens and dots,"
                + " or an IP address in brackets such as [192.0.2.1])");
    }

    /** The client sent a command before the reply to the one before; PIPELINING was not offered. */
    Warning pipelined() {
        return told.contains(Kind.PIPELINING_NOT_OFFERED) ? null : tell(Kind.PIPELINING_NOT_OFFERED, PIPELINING_TEXT);
    }

    /**
     * The warnings about a whole message: what the reader found in its bytes, its size
     * against the SIZE its MAIL declared ({@code declaredSize}, -1 for none), 8-bit data
     * without {@code eightBitDeclared}, and its header fields, read from {@code data} (the
     * message's first {@code length} bytes; 0 when it was not kept).
     */
    List<Warning> message(DataFindings found, long size, long declaredSize, boolean eightBitDeclared,
                          byte[] data, int length) {
        List<Warning> warnings = null;
        if (found != DataFindings.NONE) {
            warnings = add(warnings, found.bareCr(), Kind.BARE_CR, BARE_CR_TEXT);
            warnings = add(warnings, found.bareLf(), Kind.BARE_LF, BARE_LF_TEXT);
            warnings = add(warnings, found.eightBit() && !eightBitDeclared, Kind.EIGHT_BIT_WITHOUT_8BITMIME,
                    EIGHT_BIT_TEXT);
            warnings = add(warnings, found.longLine(), Kind.LINE_TOO_LONG, LINE_TOO_LONG_TEXT);
        }
        // Two bytes over are the CRLF a client adds before the dot to a message that did not end
        // in one, after declaring the size of the message it was given (Python's smtplib does).
        if (declaredSize >= 0 && size > declaredSize + 2 && !told.contains(Kind.SIZE_EXCEEDED)) {
            warnings = add(warnings, true, Kind.SIZE_EXCEEDED, "the message has " + size
                    + " bytes, more than the SIZE=" + declaredSize + " its MAIL declared (RFC 1870 3 and 5:"
                    + " SIZE is the message's size in bytes, CRLFs counted, stuffed dots not)");
        }
        if (length > 0 || size == 0) {
            warnings = add(warnings, missingHeaders(data, length));
        }
        return warnings == null ? List.of() : warnings;
    }

    private Warning missingHeaders(byte[] data, int length) {
        if (told.contains(Kind.MISSING_HEADER)) {
            return null;
        }
        List<String> missing = HeaderScan.missing(data, length);
        if (missing.isEmpty()) {
            return null;
        }
        boolean required = missing.contains("Date") || missing.contains("From");
        boolean messageId = missing.contains("Message-ID");
        String why = required && messageId ? "RFC 5322 3.6: Date and From are required, and 3.6.4: Message-ID should be there"
                : required ? "RFC 5322 3.6: Date and From are required"
                : "RFC 5322 3.6.4: every message should have a Message-ID";
        return tell(Kind.MISSING_HEADER, "the message has no " + String.join(", no ", missing) + " header field ("
                + why + ")");
    }

    private List<Warning> add(List<Warning> warnings, boolean found, Kind kind, String text) {
        if (!found || told.contains(kind)) {
            return warnings;
        }
        return add(warnings, tell(kind, text));
    }

    private static List<Warning> add(List<Warning> warnings, Warning warning) {
        if (warning == null) {
            return warnings;
        }
        List<Warning> list = warnings == null ? new ArrayList<>(2) : warnings;
        list.add(warning);
        return list;
    }

    private Warning tell(Kind kind, String text) {
        told.add(kind);
        return new Warning(kind, text);
    }
}
