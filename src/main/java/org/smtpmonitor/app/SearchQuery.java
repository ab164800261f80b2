package org.smtpmonitor.app;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.smtpmonitor.mailbox.MessageIndex;

/**
 * The search syntax of the window's search box and of {@code mailbox search}: words, all
 * of which must match the subject, an address or the text, and fields:
 * {@code from:}, {@code to:}, {@code subject:}, {@code body:}, {@code after:DATE} and
 * {@code before:DATE} (ISO dates, {@code 2026-11-30}, in the local time zone; after is
 * inclusive, before is not). A value with spaces is quoted: {@code subject:"weekly report"}.
 */
public final class SearchQuery {

    private SearchQuery() {
    }

    /**
     * The query {@code text} means, within {@code mailbox} (null for all).
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static MessageIndex.Query parse(String text, String mailbox, ZoneId zone) {
        String sender = null;
        String recipient = null;
        String subject = null;
        List<String> body = new ArrayList<>();
        List<String> words = new ArrayList<>();
        Instant after = null;
        Instant before = null;
        for (String term : terms(text)) {
            int colon = term.indexOf(':');
            String field = colon > 0 ? term.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            String value = colon > 0 ? unquote(term.substring(colon + 1)) : unquote(term);
            switch (field) {
                case "from" -> sender = value;
                case "to" -> recipient = value;
                case "subject" -> subject = value;
                case "body" -> body.add(value);
                case "after" -> after = day(term, value, zone);
                case "before" -> before = day(term, value, zone);
                default -> words.add(unquote(term));
            }
        }
        return new MessageIndex.Query(mailbox, blankToNull(sender), blankToNull(recipient), blankToNull(subject),
                body.isEmpty() ? null : String.join(" ", body), words.isEmpty() ? null : String.join(" ", words),
                after, before);
    }

    private static Instant day(String term, String value, ZoneId zone) {
        try {
            return LocalDate.parse(value).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + term + "': the date must be written YYYY-MM-DD");
        }
    }

    /** The terms of {@code text}, split at spaces outside double quotes; a quote left open is refused. */
    private static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        StringBuilder term = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (term.length() > 0) {
                    terms.add(term.toString());
                    term.setLength(0);
                }
            } else {
                term.append(c);
            }
        }
        if (quoted) {
            // Where the value ends is not known: searching for a guess would mislead.
            throw new IllegalArgumentException("'" + term + "': a quote is not closed");
        }
        if (term.length() > 0) {
            terms.add(term.toString());
        }
        return terms;
    }

    private static String unquote(String value) {
        return value.replace("\"", "");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
