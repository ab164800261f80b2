package org.smtpmonitor.smtp;

/**
 * A rule as a list of rules shows it: the rule, whether it is switched on now, and how
 * many times it has applied since the rules were put in force.
 */
public record RuleStatus(Rule rule, boolean enabled, long applied) {

    public String name() {
        return rule.name();
    }

    /** The rule on one line (see {@link Rule#summary()}). */
    public String summary() {
        return rule.summary();
    }
}
