package org.smtpmonitor.app;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What became of a release: whether the server took the message for every recipient, the
 * conversation as a transcript (commands as {@code C: ...}, replies as {@code S: ...}, notes
 * as {@code -- ...}; AUTH secrets masked), and one line that says it.
 *
 * @param delivered  the server answered 250 to the message for every recipient
 * @param accepted   the recipients the server accepted
 * @param refused    the recipients it refused, each with its reply, as {@code address: reply}
 *                   ({@link #refusal}; {@link #refusals()} reads them back)
 * @param transcript the conversation, line by line, printable
 * @param summary    one line, such as {@code 250 2.0.0 Ok: queued as ABC (2 recipients)} or the failure
 */
public record ReleaseOutcome(boolean delivered, List<String> accepted, List<String> refused, List<String> transcript,
                             String summary) {

    /** Where {@link #refusal} joined an address and its reply: before the reply's code. */
    private static final Pattern REPLY = Pattern.compile(": [2-5]\\d\\d(?: |$)");

    public ReleaseOutcome {
        accepted = List.copyOf(accepted);
        refused = List.copyOf(refused);
        transcript = List.copyOf(transcript);
    }

    /** A refused recipient and the server's reply to it, such as {@code 550 5.1.1 unknown user}. */
    public record Refusal(String address, String reply) {
    }

    /** Nothing was delivered, for {@code reason} (the summary); no recipient was accepted. */
    public static ReleaseOutcome failed(String reason, List<String> refused, List<String> transcript) {
        return new ReleaseOutcome(false, List.of(), refused, transcript, reason);
    }

    /** How {@code refused} lists a recipient the server refused with {@code reply}. */
    public static String refusal(String address, String reply) {
        return address + ": " + reply;
    }

    /**
     * The refused recipients as address and reply: each entry of {@code refused} split
     * where {@link #refusal} joined it, before the reply's code.
     */
    public List<Refusal> refusals() {
        return refused.stream().map(ReleaseOutcome::split).toList();
    }

    private static Refusal split(String entry) {
        Matcher m = REPLY.matcher(entry);
        return m.find() ? new Refusal(entry.substring(0, m.start()), entry.substring(m.start() + 2))
                : new Refusal(entry, "");
    }
}
