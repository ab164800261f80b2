package org.smtpmonitor.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One scripted failure of a rules file: the step of a session it watches ({@link On}), the
 * conditions that narrow it (an address pattern, the nth time, a session number, a
 * probability), and what it does there (a reply of its own, a delay, closing the
 * connection, storing the message nowhere, throttling). Immutable; made by
 * {@link RuleSet#parse}, whose checks it relies on.
 */
public final class Rule {

    /** The step of a session a rule watches, by the name a rules file gives it. */
    public enum On {
        /** The greeting. */
        CONNECT("connect"),
        /** HELO or EHLO. */
        HELO("helo"),
        MAIL("mail"),
        RCPT("rcpt"),
        /** The DATA command. */
        DATA("data"),
        /** The end of the message data, before its reply. */
        DATA_END("data-end"),
        /** Any command line (but the responses of an AUTH exchange). */
        COMMAND("command");

        private final String label;

        On(String label) {
            this.label = label;
        }

        /** The name in a rules file, such as {@code data-end}. */
        public String label() {
            return label;
        }

        /** The steps whose rules may have an {@code address}: those with an address to match. */
        boolean hasAddress() {
            return this == MAIL || this == RCPT || this == DATA || this == DATA_END;
        }
    }

    /** Whether, and when, a rule closes the connection. */
    public enum Close { NONE, BEFORE, AFTER }

    private final String name;
    private final int line;
    private final On on;
    private final String address;
    private final int[] addressGlob;
    private final int nth;
    private final boolean overall;
    private final long session;
    private final double probability;
    private final Reply reply;
    private final Duration delay;
    private final Close close;
    private final boolean discard;
    private final long throttle;
    private final boolean enabled;

    Rule(String name, int line, On on, String address, int nth, boolean overall, long session, double probability,
         Reply reply, Duration delay, Close close, boolean discard, long throttle, boolean enabled) {
        this.name = name;
        this.line = line;
        this.on = on;
        this.address = address;
        this.addressGlob = address == null ? null : address.codePoints().toArray();
        this.nth = nth;
        this.overall = overall;
        this.session = session;
        this.probability = probability;
        this.reply = reply;
        this.delay = delay;
        this.close = close;
        this.discard = discard;
        this.throttle = throttle;
        this.enabled = enabled;
    }

    /**
     * Whether {@code text} matches {@code glob} as a whole: {@code *} any run of characters,
     * {@code ?} any one, the rest literal, case-insensitive (addresses are compared as people
     * write them, whatever the case). Not a regular expression: every glob is valid, and the
     * matching takes time proportional to the two lengths multiplied at worst, whatever a
     * client's address holds (a regular expression's backtracking could take ages).
     */
    static boolean globMatches(int[] glob, String text) {
        int[] chars = text.codePoints().toArray();
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < chars.length) {
            if (g < glob.length && glob[g] != '*' && (glob[g] == '?' || fold(glob[g]) == fold(chars[t]))) {
                g++;
                t++;
            } else if (g < glob.length && glob[g] == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                // The last star takes one more character, and the rest is tried again from there.
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length && glob[g] == '*') {
            g++;
        }
        return g == glob.length;
    }

    private static int fold(int c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    public String name() {
        return name;
    }

    /** The line of the rule's {@code [name]} in its file, from 1. */
    public int line() {
        return line;
    }

    public On on() {
        return on;
    }

    /** The address glob, or null when the rule has none. */
    public String address() {
        return address;
    }

    /** The nth match the rule applies to; 0 for every match. */
    public int nth() {
        return nth;
    }

    /** Whether {@link #nth} counts over all sessions ({@code count = overall}) rather than per session. */
    public boolean overall() {
        return overall;
    }

    /** The one session the rule applies in; 0 for all. */
    public long session() {
        return session;
    }

    /** The chance that the rule applies when all else matches, 0 to 1. */
    public double probability() {
        return probability;
    }

    /** The reply that replaces the command's own, or null. */
    public Reply reply() {
        return reply;
    }

    /** The wait before the reply; zero for none. */
    public Duration delay() {
        return delay;
    }

    public Close close() {
        return close;
    }

    /** A data-end rule that accepts the message but stores it nowhere. */
    public boolean discard() {
        return discard;
    }

    /** Bytes per second the connection is held to from then on; 0 for no throttle. */
    public long throttle() {
        return throttle;
    }

    /** Whether the file has the rule on ({@code enabled = no} turns it off). */
    public boolean enabled() {
        return enabled;
    }

    /** Whether the rule watches this step: its own, or any command line for {@code on = command}. */
    boolean watches(On step, boolean commandLine) {
        return on == step || on == On.COMMAND && commandLine;
    }

    /** Whether any of {@code addresses} matches the rule's pattern; true for a rule without one. */
    boolean matchesAddress(List<String> addresses) {
        if (addressGlob == null) {
            return true;
        }
        for (String candidate : addresses) {
            if (globMatches(addressGlob, candidate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the rule does, in words, for the transcript: {@code reply 452},
     * {@code delay 2000 ms}, {@code close before the reply}, {@code message stored nowhere},
     * {@code throttle 512 bytes/s}, joined by commas when it does several.
     */
    public String action() {
        StringBuilder words = new StringBuilder();
        if (reply != null) {
            append(words, "reply " + reply.code());
        }
        if (!delay.isZero()) {
            append(words, "delay " + delay.toMillis() + " ms");
        }
        if (discard) {
            append(words, "message stored nowhere");
        }
        if (throttle > 0) {
            append(words, "throttle " + throttle + " bytes/s");
        }
        if (close == Close.BEFORE) {
            append(words, "close before the reply");
        } else if (close == Close.AFTER) {
            append(words, "close after the reply");
        }
        return words.toString();
    }

    /**
     * The rule on one line, for a list of rules: its step and conditions, then its action,
     * such as {@code rcpt, 3rd time per session: reply 452}.
     */
    public String summary() {
        StringBuilder words = new StringBuilder(on.label());
        if (address != null) {
            words.append(", address ").append(address);
        }
        if (nth > 0) {
            words.append(", ").append(ordinal(nth)).append(" time ").append(overall ? "overall" : "per session");
        }
        if (session > 0) {
            words.append(", session ").append(session);
        }
        if (probability < 1) {
            words.append(", probability ").append(probabilityText(probability));
        }
        return words.append(": ").append(action()).toString();
    }

    private static void append(StringBuilder words, String action) {
        if (words.length() > 0) {
            words.append(", ");
        }
        words.append(action);
    }

    static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    private static String probabilityText(double probability) {
        String text = String.format(Locale.ROOT, "%.4f", probability);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text + "0" : text;
    }

    @Override
    public String toString() {
        return "Rule[" + name + ": " + summary() + (enabled ? "" : ", disabled") + "]";
    }
}
