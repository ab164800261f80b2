package org.smtpmonitor.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code smtp-monitor expect} waits for: a message to an address (an envelope recipient,
 * or an address of its To or Cc field), from an address (the envelope sender or the From
 * field's), whose subject and whose body's text match patterns. Each is optional; a message
 * matches when it meets all that are given.
 *
 * @param to      an address, compared in any case, or null
 * @param from    an address, compared in any case, or null
 * @param subject a pattern of the Subject field, or null
 * @param body    a pattern of the body's text (the plain text, else the HTML's text), or null
 */
public record Expectation(String to, String from, TextPattern subject, TextPattern body) {

    /** What looks like an address in a header field: {@code alice@example.com} in {@code "Alice" <alice@example.com>}. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>,;:\"()\\[\\]]+@[^\\s<>,;:\"()\\[\\]]+");

    public Expectation {
        to = address(to);
        from = address(from);
    }

    private static String address(String written) {
        if (written == null) {
            return null;
        }
        String bare = written.strip();
        if (bare.startsWith("<") && bare.endsWith(">")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        return bare;
    }

    /** The criteria in words, such as {@code to alice@example.com}, {@code subject /Reset/}. */
    public List<String> criteria() {
        List<String> criteria = new ArrayList<>();
        if (to != null) {
            criteria.add("to " + to);
        }
        if (from != null) {
            criteria.add("from " + from);
        }
        if (subject != null) {
            criteria.add("subject " + subject);
        }
        if (body != null) {
            criteria.add("body " + body);
        }
        return criteria;
    }

    /** The criteria in one line, or {@code any message} when there are none. */
    public String describe() {
        List<String> criteria = criteria();
        return criteria.isEmpty() ? "any message" : String.join(", ", criteria);
    }

    /**
     * How a message fared: the criteria it did not meet, in words ({@code body did not match
     * /token=\w+/}), empty when it matches.
     */
    public record Evaluation(MailCandidate message, List<String> failures, int criteria) {
        public Evaluation {
            failures = List.copyOf(failures);
        }

        public boolean matched() {
            return failures.isEmpty();
        }

        /** How many criteria it met. */
        public int score() {
            return criteria - failures.size();
        }
    }

    /**
     * The most criteria {@code message} can meet, judged from its listing alone: a criterion
     * the listing cannot decide counts as met. So a message whose bound is less than another's
     * score need never be read.
     */
    public int bound(MailCandidate message) {
        int failures = 0;
        if (to != null && !hasAddress(message.envelopeTo(), to)) {
            List<String> fields = message.recipientFieldsIfKnown();
            failures += fields != null && !hasAddress(fields, to) ? 1 : 0;
        }
        if (from != null && !isFrom(message)) {
            failures++;
        }
        if (subject != null && !subject.matches(message.subject())) {
            failures++;
        }
        return criteria().size() - failures;
    }

    /** Weighs {@code message} against every criterion, reading its details if one needs them. */
    public Evaluation evaluate(MailCandidate message) throws IOException {
        List<String> failures = new ArrayList<>();
        boolean toInEnvelope = to == null || hasAddress(message.envelopeTo(), to);
        List<String> fields = toInEnvelope ? List.of() : message.recipientFieldsIfKnown();
        String text = null;
        if (body != null || fields == null) {
            MailCandidate.Details details = message.details(body != null);
            fields = details.recipientFields();
            text = details.body();
        }
        if (!toInEnvelope && !hasAddress(fields, to)) {
            failures.add("to did not include " + to);
        }
        if (from != null && !isFrom(message)) {
            failures.add("from was not " + from);
        }
        if (subject != null && !subject.matches(message.subject())) {
            failures.add("subject did not " + (subject.isRegex() ? "match " : "contain ") + subject);
        }
        if (body != null && !body.matches(text == null ? "" : text)) {
            failures.add("body did not " + (body.isRegex() ? "match " : "contain ") + body);
        }
        return new Evaluation(message, failures, criteria().size());
    }

    private boolean isFrom(MailCandidate message) {
        return message.envelopeFrom().equalsIgnoreCase(from) || hasAddress(List.of(message.from()), from);
    }

    /** Whether one of {@code values} (addresses, or header fields holding some) has {@code address}, in any case. */
    private static boolean hasAddress(List<String> values, String address) {
        for (String value : values) {
            if (value == null) {
                continue;
            }
            if (value.strip().equalsIgnoreCase(address)) {
                return true;
            }
            Matcher found = ADDRESS.matcher(value);
            while (found.find()) {
                if (found.group().toLowerCase(Locale.ROOT).equals(address.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }
}
