package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.smtpmonitor.text.Printable;

/**
 * What one session came to, read from its transcript as it goes: the senders and recipients
 * the server accepted, the messages delivered, the replies in error (4xx and 5xx), and
 * whether its mail was refused. The server answers each command before it reads the next
 * (and a message's data after it is stored), so a reply belongs to the last line received.
 * Plain Java, no JavaFX: {@link SessionRow} shows it.
 */
final class SessionOutcome {

    /** Distinct addresses kept for a column: more are counted, not kept (a session may send thousands). */
    static final int MAX_ADDRESSES = 50;
    /** Addresses shown in a column before "+n". */
    static final int SHOWN_ADDRESSES = 3;
    /** The longest address kept: a client may send a line of a thousand bytes. */
    static final int MAX_ADDRESS_LENGTH = 254;

    /** The command whose reply is awaited. */
    private enum Command { MAIL, RCPT, DATA, MESSAGE, OTHER }

    private final Addresses senders = new Addresses();
    private final Addresses recipients = new Addresses();
    private Command awaiting;
    /** The address of the MAIL or RCPT awaiting its reply. */
    private String address;
    private boolean greeted;
    private boolean refused;
    private int delivered;
    private int repliesInError;
    /** Counts the changes to what is shown, so that a row updates its columns only when one happened. */
    private long version;

    /** Notes a line the client sent. */
    void received(String line) {
        address = null;
        if (startsWith(line, "MAIL FROM:")) {
            awaiting = Command.MAIL;
            address = addressOf(line.substring("MAIL FROM:".length()));
        } else if (startsWith(line, "RCPT TO:")) {
            awaiting = Command.RCPT;
            address = addressOf(line.substring("RCPT TO:".length()));
        } else if (startsWith(line, "DATA") && line.strip().length() == 4) {
            awaiting = Command.DATA;
        } else if (line.startsWith("<message: ") || line.equals(".")) {
            // The server's summary of the data, and its end: the reply says whether it was stored.
            awaiting = Command.MESSAGE;
        } else {
            awaiting = Command.OTHER;
        }
    }

    /** Notes a line of a reply the server sent; returns whether it ended a reply in error. */
    boolean replied(String line) {
        if (!endsReply(line)) {
            return false;
        }
        boolean error = isError(line);
        if (error) {
            repliesInError++;
            version++;
            // A reply before any command is the greeting: a 421 or 554 there turns the client away.
            boolean greeting = awaiting == null && !greeted;
            if (greeting || awaiting == Command.MAIL || awaiting == Command.RCPT || awaiting == Command.DATA
                    || awaiting == Command.MESSAGE) {
                refused = true;
            }
        } else if (line.charAt(0) == '2' && address != null
                && (awaiting == Command.MAIL ? senders : recipients).add(address)) {
            version++;
        }
        greeted = true;
        awaiting = null;
        address = null;
        return error;
    }

    void delivered() {
        delivered++;
        version++;
    }

    /** Changes whenever a sender or recipient is added, a reply is in error or a message delivered. */
    long version() {
        return version;
    }

    int repliesInError() {
        return repliesInError;
    }

    String senders() {
        return senders.text();
    }

    String recipients() {
        return recipients.text();
    }

    /**
     * In a few words: {@code delivered 2}, {@code refused} (nothing delivered, and a sender, a
     * recipient, a message or the connection itself turned away), then {@code errors 3} when
     * any reply was in error; {@code no mail} for a session closed without any of these.
     */
    String text(boolean open) {
        List<String> parts = new ArrayList<>(2);
        if (delivered > 0) {
            parts.add("delivered " + delivered);
        } else if (refused) {
            parts.add("refused");
        }
        if (repliesInError > 0) {
            parts.add("errors " + repliesInError);
        }
        if (parts.isEmpty()) {
            return open ? "" : "no mail";
        }
        return String.join(", ", parts);
    }

    /** True for the last line of a reply: {@code 250 OK}, not {@code 250-SIZE}. */
    static boolean endsReply(String line) {
        return line.length() >= 3 && (line.length() == 3 || line.charAt(3) != '-');
    }

    /** A reply in error: a 4xx (try again) or 5xx (failed) code. */
    static boolean isError(String line) {
        return line.length() >= 3 && (line.charAt(0) == '4' || line.charAt(0) == '5')
                && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
    }

    private static boolean startsWith(String line, String prefix) {
        return line.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** The address of {@code <a@b> PARAMETERS}, {@code <>} for the null sender; escaped for display. */
    static String addressOf(String argument) {
        String rest = argument.strip();
        String found;
        int close = rest.indexOf('>');
        if (rest.startsWith("<") && close > 0) {
            found = close == 1 ? "<>" : rest.substring(1, close);
        } else {
            int space = rest.indexOf(' ');
            found = space < 0 ? rest : rest.substring(0, space);
        }
        if (found.length() > MAX_ADDRESS_LENGTH) {
            found = found.substring(0, MAX_ADDRESS_LENGTH) + "\u2026";
        }
        return Printable.escape(found);
    }

    /** Distinct addresses in the order first seen, the first {@link #MAX_ADDRESSES} kept. */
    private static final class Addresses {
        private final Set<String> kept = new LinkedHashSet<>();
        private boolean overflow;

        /** Returns whether the addresses shown changed. */
        boolean add(String address) {
            if (kept.size() < MAX_ADDRESSES) {
                return kept.add(address);
            }
            if (!overflow && !kept.contains(address)) {
                overflow = true;
                return true;
            }
            return false;
        }

        /** {@code a@x, b@x, c@x +2}; {@code +50…} when more were seen than kept. */
        String text() {
            StringBuilder text = new StringBuilder();
            int shown = 0;
            for (String address : kept) {
                if (shown == SHOWN_ADDRESSES) {
                    break;
                }
                text.append(shown++ == 0 ? "" : ", ").append(address);
            }
            int more = kept.size() - shown;
            if (more > 0 || overflow) {
                text.append(String.format(Locale.ROOT, " +%d%s", more, overflow ? "\u2026" : ""));
            }
            return text.toString();
        }
    }
}
