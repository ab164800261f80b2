package org.smtpmonitor.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The rules in force, shared by every session of a server: which rules there are, which
 * are switched on, how often each has applied, and the counters of {@code count = overall}.
 * Sessions ask it at each step which rule applies ({@link #select}); the window replaces
 * the rules and switches them on and off while sessions run.
 *
 * <p>Thread-safe. With no rules a session's question costs one volatile read, so a server
 * without a rules file runs as fast as before.
 */
public final class RuleBook {

    private final DoubleSupplier random;
    /** Copied on each change, so that telling them takes no lock (smtp uses no java.util.concurrent). */
    private volatile List<Runnable> listeners = List.of();
    private volatile Book book;

    /** The rules of one {@link #replace}, with their live state; counters start again with each. */
    private static final class Book {
        final RuleSet rules;
        final boolean[] enabled;
        final long[] overall;
        final long[] applied;

        Book(RuleSet rules) {
            this.rules = rules;
            int n = rules.rules().size();
            enabled = new boolean[n];
            overall = new long[n];
            applied = new long[n];
            for (int i = 0; i < n; i++) {
                enabled[i] = rules.rules().get(i).enabled();
            }
        }
    }

    /** No rules, until {@link #replace}. */
    public RuleBook() {
        this(RuleSet.EMPTY, Math::random);
    }

    public RuleBook(RuleSet rules) {
        this(rules, Math::random);
    }

    /** @param random numbers from 0 (inclusive) to 1 (exclusive), for the rules' probabilities */
    public RuleBook(RuleSet rules, DoubleSupplier random) {
        this.book = new Book(Objects.requireNonNull(rules));
        this.random = random;
    }

    /** The rules in force. */
    public RuleSet rules() {
        return book.rules;
    }

    /** True when there are no rules: sessions then skip the question. */
    public boolean isEmpty() {
        return book.rules.isEmpty();
    }

    /**
     * Puts {@code rules} in force at once, for every session, running ones too: each rule
     * on or off as its text says, every counter from zero.
     */
    public void replace(RuleSet rules) {
        book = new Book(Objects.requireNonNull(rules));
        changed();
    }

    /**
     * Switches the rule called {@code name} on or off, for every session from their next
     * step; its counters go on. False when there is no such rule.
     */
    public boolean setEnabled(String name, boolean enabled) {
        Book current = book;
        List<Rule> rules = current.rules.rules();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).name().equals(name)) {
                synchronized (current) {
                    current.enabled[i] = enabled;
                }
                changed();
                return true;
            }
        }
        return false;
    }

    /** Each rule's live state, in file order. */
    public List<RuleStatus> statuses() {
        Book current = book;
        List<Rule> rules = current.rules.rules();
        List<RuleStatus> statuses = new ArrayList<>(rules.size());
        synchronized (current) {
            for (int i = 0; i < rules.size(); i++) {
                statuses.add(new RuleStatus(rules.get(i), current.enabled[i], current.applied[i]));
            }
        }
        return statuses;
    }

    /** Whether the rule called {@code name} is switched on now; false when there is none. */
    public boolean isEnabled(String name) {
        for (RuleStatus status : statuses()) {
            if (status.rule().name().equals(name)) {
                return status.enabled();
            }
        }
        return false;
    }

    /**
     * Tells {@code listener} of every change: rules replaced, a rule switched, a rule applied.
     * It is called on the thread of the change (a server's event loop, for a rule applied),
     * so it must be quick and must not block; the window coalesces the calls.
     */
    public synchronized void addListener(Runnable listener) {
        List<Runnable> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener));
        listeners = List.copyOf(more);
    }

    public synchronized void removeListener(Runnable listener) {
        List<Runnable> fewer = new ArrayList<>(listeners);
        fewer.remove(listener);
        listeners = List.copyOf(fewer);
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // A listener's failure is its own: the session goes on.
            }
        }
    }

    /** A new session's counters of its own ({@code nth} per session). */
    public Counts newCounts() {
        return new Counts();
    }

    /**
     * One session's counts of how often each rule's step and conditions matched; they start
     * again when the rules are replaced. Used by its session's thread only.
     */
    public static final class Counts {
        private Object book;
        private long[] counts;

        private long next(Object current, int index, int size) {
            if (book != current) {
                book = current;
                counts = new long[size];
            }
            return ++counts[index];
        }
    }

    /**
     * The rule that applies to this step, or null: the first rule switched on, in file
     * order, whose step and conditions match and whose nth and probability let it. Every
     * rule switched on whose step and conditions match counts the match, whether it or
     * another rule applies (so each rule's nth counts the steps it watches, whatever the
     * rules before it do). The rule chosen is counted as applied.
     *
     * @param step        the step of the session
     * @param commandLine whether the step is a command line (rules {@code on = command} watch those too)
     * @param addresses   the addresses to match an {@code address} pattern against: the sender for
     *                    MAIL, the recipient for RCPT, the recipients for DATA and the end of data;
     *                    empty when there are none
     * @param session     the session's number
     * @param counts      the session's own counts
     */
    public Rule select(Rule.On step, boolean commandLine, List<String> addresses, long session, Counts counts) {
        Book current = book;
        List<Rule> rules = current.rules.rules();
        // The patterns are matched before the lock is taken: a long address against a many-star
        // glob should hold up its own session, not every session's next step.
        boolean[] matching = new boolean[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            matching[i] = rule.watches(step, commandLine) && (rule.session() == 0 || rule.session() == session)
                    && rule.matchesAddress(addresses);
        }
        int chosen = -1;
        synchronized (current) {
            for (int i = 0; i < rules.size(); i++) {
                Rule rule = rules.get(i);
                if (!current.enabled[i] || !matching[i]) {
                    continue;
                }
                long n = rule.overall() ? ++current.overall[i] : counts.next(current, i, rules.size());
                if (chosen >= 0 || rule.nth() != 0 && n != rule.nth()) {
                    continue;
                }
                if (rule.probability() >= 1 || random.getAsDouble() < rule.probability()) {
                    chosen = i;
                }
            }
            if (chosen >= 0) {
                current.applied[chosen]++;
            }
        }
        if (chosen < 0) {
            return null;
        }
        changed();
        return rules.get(chosen);
    }
}
