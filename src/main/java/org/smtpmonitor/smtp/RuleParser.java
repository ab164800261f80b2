package org.smtpmonitor.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a rules file into a {@link RuleSet}, stopping at the first mistake with its line
 * and the reason. Each key's value is checked on its own line; what concerns the rule as
 * a whole (no {@code on}, no action, keys that do not go together) once the rule ends.
 */
final class RuleParser {

    static final int MAX_DELAY_MILLIS = 600_000;
    /** RFC 5321 4.5.3.1.5 allows 512 bytes a reply line, code and CRLF included. */
    static final int MAX_REPLY_TEXT = 500;
    private static final int MAX_NAME = 100;
    private static final int MAX_ADDRESS = 500;
    private static final List<String> KEYS = List.of("on", "address", "nth", "count", "session", "probability",
            "reply", "delay", "close", "discard", "throttle", "enabled");

    private final String source;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Integer> names = new HashMap<>();
    private final Map<String, Integer> enabledLines = new HashMap<>();

    /** The rule being read: its name, the line of its name, and its keys with their lines. */
    private String name;
    private int nameLine;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private final List<String> replyLines = new ArrayList<>();
    private int replyCode;

    private record Value(String text, int line) {
    }

    RuleParser(String source) {
        this.source = source;
    }

    RuleSet parse(String text) throws RulesException {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            line = line.strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                endRule();
                startRule(line, number);
            } else {
                key(line, number);
            }
        }
        endRule();
        return new RuleSet(rules, text, source, enabledLines);
    }

    private RulesException error(int line, String reason) {
        return new RulesException(source, line, reason);
    }

    private void startRule(String line, int number) throws RulesException {
        if (!line.endsWith("]")) {
            throw error(number, "a rule's name is written [name], with nothing after the ]");
        }
        String ruleName = line.substring(1, line.length() - 1).strip();
        if (ruleName.isEmpty()) {
            throw error(number, "a rule needs a name between the brackets");
        }
        if (ruleName.length() > MAX_NAME) {
            throw error(number, "a rule's name may be at most " + MAX_NAME + " characters long");
        }
        for (int i = 0; i < ruleName.length(); i++) {
            char c = ruleName.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                throw error(number, "the rule name \"" + ruleName + "\" may hold only letters, digits, '-', '_' and '.'");
            }
        }
        Integer first = names.putIfAbsent(ruleName, number);
        if (first != null) {
            throw error(number, "a second rule named \"" + ruleName + "\" (the first is at line " + first + ")");
        }
        name = ruleName;
        nameLine = number;
    }

    private void key(String line, int number) throws RulesException {
        int equals = line.indexOf('=');
        if (equals < 0) {
            throw error(number, "expected \"key = value\" or \"[name]\", found \"" + line + "\"");
        }
        String key = line.substring(0, equals).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(equals + 1).strip();
        if (key.isEmpty()) {
            throw error(number, "a key is missing before the =");
        }
        if (!KEYS.contains(key)) {
            throw error(number, "unknown key \"" + key + "\" (keys: " + String.join(", ", KEYS) + ")");
        }
        if (name == null) {
            throw error(number, "\"" + key + "\" before any rule: start a rule with [name]");
        }
        if (value.isEmpty()) {
            throw error(number, "\"" + key + "\" has no value");
        }
        if (key.equals("reply")) {
            replyLine(value, number);
            return;
        }
        Value earlier = values.putIfAbsent(key, new Value(value, number));
        if (earlier != null) {
            throw error(number, "\"" + key + "\" is given twice in rule \"" + name + "\" (first at line "
                    + earlier.line() + ")");
        }
        // Checked here, so that a bad value is reported at its own line.
        switch (key) {
            case "on" -> on(values.get(key));
            case "nth" -> number(values.get(key), 1, 1_000_000_000);
            case "session" -> number(values.get(key), 1, Long.MAX_VALUE);
            case "delay" -> number(values.get(key), 0, MAX_DELAY_MILLIS);
            case "throttle" -> number(values.get(key), 1, 1_000_000_000);
            case "probability" -> probability(values.get(key));
            case "count" -> oneOf(values.get(key), "session", "overall");
            case "close" -> oneOf(values.get(key), "before", "after");
            case "discard", "enabled" -> yesNo(values.get(key));
            case "address" -> address(values.get(key));
            default -> throw new IllegalStateException(key);
        }
        if (key.equals("enabled")) {
            enabledLines.put(name, number);
        }
    }

    /**
     * {@code CODE text}: one line of the rule's reply; every line must have the same code.
     * {@code CODE-text}, as a multi-line reply looks on the wire, is taken too: the server
     * puts the hyphens where they belong itself.
     */
    private void replyLine(String value, int number) throws RulesException {
        if (value.length() < 3 || !isDigit(value.charAt(0)) || !isDigit(value.charAt(1)) || !isDigit(value.charAt(2))
                || value.length() > 3 && value.charAt(3) != ' ' && value.charAt(3) != '-') {
            throw error(number, "a reply is a three-digit code, a space and the text, as \"452 4.5.3 Too many"
                    + " recipients\"; found \"" + value + "\"");
        }
        int code = Integer.parseInt(value.substring(0, 3));
        if (code < 200 || code > 599) {
            throw error(number, "reply code " + code + " is not between 200 and 599");
        }
        if (code >= 300 && code < 400) {
            throw error(number, "reply code " + code + " asks the client to go on, but a rule's reply replaces the"
                    + " command, which is not carried out: use a 2xx, 4xx or 5xx code");
        }
        if (!replyLines.isEmpty() && code != replyCode) {
            throw error(number, "every line of a reply has the same code: " + replyCode + " before, " + code + " here");
        }
        String text = value.length() > 4 ? value.substring(4) : "";
        if (text.length() > MAX_REPLY_TEXT) {
            throw error(number, "a reply line's text may be at most " + MAX_REPLY_TEXT + " characters long");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c > '~') {
                throw error(number, "a reply's text may hold only printable ASCII (SMTP replies are ASCII)");
            }
        }
        replyCode = code;
        replyLines.add(text);
        values.putIfAbsent("reply", new Value(value, number));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Rule.On on(Value value) throws RulesException {
        for (Rule.On on : Rule.On.values()) {
            if (on.label().equalsIgnoreCase(value.text())) {
                return on;
            }
        }
        throw error(value.line(), "unknown step \"" + value.text()
                + "\" for on (connect, helo, mail, rcpt, data, data-end or command)");
    }

    private long number(Value value, long min, long max) throws RulesException {
        String text = value.text();
        boolean digits = !text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9');
        long n = digits ? Long.parseLong(text) : -1;
        if (!digits || n < min || n > max) {
            throw error(value.line(), "\"" + text + "\" is not a whole number from " + min + " to " + max);
        }
        return n;
    }

    private double probability(Value value) throws RulesException {
        String text = value.text();
        double p;
        try {
            p = text.matches("[0-9]*\\.?[0-9]+|[0-9]+\\.") ? Double.parseDouble(text) : -1;
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 1) {
            throw error(value.line(), "probability \"" + text + "\" is not a number from 0 to 1, such as 0.25");
        }
        return p;
    }

    private String oneOf(Value value, String first, String second) throws RulesException {
        String text = value.text().toLowerCase(Locale.ROOT);
        if (!text.equals(first) && !text.equals(second)) {
            throw error(value.line(), "\"" + value.text() + "\" is not " + first + " or " + second);
        }
        return text;
    }

    private boolean yesNo(Value value) throws RulesException {
        return switch (value.text().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw error(value.line(), "\"" + value.text() + "\" is not yes or no");
        };
    }

    private void address(Value value) throws RulesException {
        String text = value.text();
        if (text.length() > MAX_ADDRESS) {
            throw error(value.line(), "an address pattern may be at most " + MAX_ADDRESS + " characters long");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw error(value.line(), "an address pattern holds no spaces or control characters");
            }
        }
    }

    /** The rule read so far is complete: check it as a whole and keep it. */
    private void endRule() throws RulesException {
        if (name == null) {
            return;
        }
        Value onValue = values.get("on");
        if (onValue == null) {
            throw error(nameLine, "rule \"" + name + "\" has no \"on\" (connect, helo, mail, rcpt, data, data-end or"
                    + " command)");
        }
        Rule.On on = on(onValue);
        Value address = values.get("address");
        if (address != null && !on.hasAddress()) {
            throw error(address.line(), "\"address\" applies to on = mail, rcpt, data or data-end, not on = "
                    + on.label());
        }
        Value count = values.get("count");
        if (count != null && values.get("nth") == null) {
            throw error(count.line(), "\"count\" says how \"nth\" counts, and this rule has no \"nth\"");
        }
        Value closeValue = values.get("close");
        Rule.Close close = closeValue == null ? Rule.Close.NONE
                : oneOf(closeValue, "before", "after").equals("before") ? Rule.Close.BEFORE : Rule.Close.AFTER;
        Value reply = values.get("reply");
        if (close == Rule.Close.BEFORE && reply != null) {
            throw error(closeValue.line(), "\"close = before\" closes without a reply, yet the rule has a \"reply\""
                    + " (line " + reply.line() + "); for the reply then the close, write \"close = after\"");
        }
        Value discardValue = values.get("discard");
        boolean discard = discardValue != null && yesNo(discardValue);
        if (discardValue != null && on != Rule.On.DATA_END) {
            throw error(discardValue.line(), "\"discard\" applies to on = data-end only, not on = " + on.label());
        }
        if (discard && reply != null) {
            throw error(discardValue.line(), "\"discard\" answers 250 and stores nothing, yet the rule has a \"reply\""
                    + " (line " + reply.line() + "), which stores nothing already; keep one of them");
        }
        if (discard && close == Rule.Close.BEFORE) {
            throw error(discardValue.line(), "\"discard\" answers 250, yet \"close = before\" sends no reply");
        }
        Value delay = values.get("delay");
        Value throttle = values.get("throttle");
        boolean hasAction = reply != null || close != Rule.Close.NONE || discard
                || delay != null && number(delay, 0, MAX_DELAY_MILLIS) > 0 || throttle != null;
        if (!hasAction) {
            throw error(nameLine, "rule \"" + name + "\" does nothing: give it a reply, a delay, close, discard"
                    + " or throttle");
        }
        Value nth = values.get("nth");
        Value session = values.get("session");
        Value probability = values.get("probability");
        Value enabled = values.get("enabled");
        rules.add(new Rule(name, nameLine, on, address == null ? null : address.text(),
                nth == null ? 0 : (int) number(nth, 1, 1_000_000_000),
                count != null && oneOf(count, "session", "overall").equals("overall"),
                session == null ? 0 : number(session, 1, Long.MAX_VALUE),
                probability == null ? 1 : probability(probability),
                reply == null ? null : Reply.multiline(replyCode, replyLines),
                delay == null ? Duration.ZERO : Duration.ofMillis(number(delay, 0, MAX_DELAY_MILLIS)),
                close, discard, throttle == null ? 0 : number(throttle, 1, 1_000_000_000),
                enabled == null || yesNo(enabled)));
        name = null;
        values.clear();
        replyLines.clear();
    }
}
