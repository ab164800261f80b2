package org.smtpmonitor.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The rules of one rules file, in file order, with the text they were read from: an
 * immutable value. {@link #parse} reads the format (see {@code docs/rules-example.txt}):
 * a rule is a name in brackets followed by {@code key = value} lines; {@code #} starts a
 * comment line; blank lines are ignored; keys are case-insensitive.
 */
public final class RuleSet {

    /** No rules at all: every session runs as if there were no rules file. */
    public static final RuleSet EMPTY = new RuleSet(List.of(), "", "", Map.of());

    private final List<Rule> rules;
    private final String text;
    private final String source;
    /** For each rule that has an {@code enabled} line, that line's number. */
    private final Map<String, Integer> enabledLines;

    RuleSet(List<Rule> rules, String text, String source, Map<String, Integer> enabledLines) {
        this.rules = List.copyOf(rules);
        this.text = text;
        this.source = source;
        this.enabledLines = Map.copyOf(enabledLines);
    }

    /**
     * Reads the rules in {@code text}.
     *
     * @param source the file's name, for the messages of errors ({@code rules.txt:7: ...})
     * @throws RulesException at the first line that is wrong, naming it and saying why
     */
    public static RuleSet parse(String text, String source) throws RulesException {
        return new RuleParser(source).parse(text);
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The rules' text as it was parsed. */
    public String text() {
        return text;
    }

    /** The name the rules were read under (a file name); empty for none. */
    public String source() {
        return source;
    }

    /** The rule called {@code name}, or null. */
    public Rule named(String name) {
        for (Rule rule : rules) {
            if (rule.name().equals(name)) {
                return rule;
            }
        }
        return null;
    }

    /**
     * The text with each rule's {@code enabled} line saying what {@code enabled} holds for
     * it, so that rules switched on or off since parsing are saved that way: a differing
     * {@code enabled} line is rewritten, and a rule without one gets {@code enabled = no}
     * under its name. The rest of the text (comments, order, spacing) is kept as it is.
     */
    public String textWithEnabled(Predicate<String> enabled) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        // From the last rule up, so inserting a line does not move the lines still to change.
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule rule = rules.get(i);
            boolean on = enabled.test(rule.name());
            if (on == rule.enabled()) {
                continue;
            }
            Integer line = enabledLines.get(rule.name());
            if (line != null) {
                String old = lines.get(line - 1);
                boolean crlf = old.endsWith("\r");
                String indent = old.substring(0, old.length() - old.stripLeading().length());
                lines.set(line - 1, indent + "enabled = " + (on ? "yes" : "no") + (crlf ? "\r" : ""));
            } else {
                boolean crlf = lines.get(rule.line() - 1).endsWith("\r");
                lines.add(rule.line(), "enabled = " + (on ? "yes" : "no") + (crlf ? "\r" : ""));
            }
        }
        return String.join("\n", lines);
    }

    @Override
    public String toString() {
        return "RuleSet[" + source + ", " + rules.size() + " rules]";
    }
}
