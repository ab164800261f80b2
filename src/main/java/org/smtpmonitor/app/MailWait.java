package org.smtpmonitor.app;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Waits for the mail an {@link Expectation} describes, as {@code smtp-monitor expect} does:
 * it looks at the stored mail, and again every {@link #POLL} until enough messages match or
 * the time is up. Each look lists the mail newest first and stops at the first message it
 * has seen already, so a message is listed and weighed once, and read (its To, Cc and body)
 * only when that can change the verdict. It also keeps the message that came closest, for a
 * CI log to say why nothing matched.
 */
public final class MailWait {

    /** How often the mail is looked at again while waiting. */
    public static final Duration POLL = Duration.ofMillis(200);
    /** The most messages the first look weighs, newest first: what bounds a run on a large store. */
    public static final int MAX_EXAMINED = 10_000;
    private static final int PAGE = 100;

    /** Where the mail is: a mailbox directory's index, or a server's HTTP API. */
    public interface Source {
        /** A page of every mailbox's messages, newest first. */
        List<MailCandidate> newest(int skip, int limit) throws IOException;
    }

    /**
     * What a wait found.
     *
     * @param matches  the matching messages in the order found, one copy of each delivery (a
     *                 message sent to two mailboxes is one match)
     * @param closest  the message that met the most criteria without meeting all of them (the
     *                 newest of equals), or null when every message matched or there was none
     * @param examined how many stored copies were weighed
     * @param took     how long the wait lasted
     */
    public record Result(List<Expectation.Evaluation> matches, Expectation.Evaluation closest, int examined,
                         Duration took) {
        public Result {
            matches = List.copyOf(matches);
        }
    }

    private final Expectation expectation;
    private final Source source;
    private final Set<Long> seen = new HashSet<>();
    private final List<Expectation.Evaluation> matches = new ArrayList<>();
    /** For each delivery's key, how many matching copies each mailbox holds: see {@link #isAnotherDelivery}. */
    private final Map<String, Map<String, Integer>> copies = new HashMap<>();
    private Expectation.Evaluation closest;
    /** With {@code onlyNew}: the newest id when the wait began; older messages are not weighed. */
    private long baseline = Long.MIN_VALUE;

    private MailWait(Expectation expectation, Source source) {
        this.expectation = expectation;
        this.source = source;
    }

    /**
     * Waits up to {@code within} (zero: looks once) for {@code count} messages that meet
     * {@code expectation}; with {@code onlyNew}, only messages stored after the wait began
     * count (the index's ids only grow, so "after" is "a larger id than the newest then").
     */
    public static Result await(Expectation expectation, Source source, int count, Duration within, boolean onlyNew)
            throws IOException, InterruptedException {
        return new MailWait(expectation, source).run(count, within, onlyNew);
    }

    private Result run(int count, Duration within, boolean onlyNew) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        if (onlyNew) {
            baseline = source.newest(0, PAGE).stream().mapToLong(MailCandidate::id).max().orElse(0);
        }
        while (true) {
            look();
            long left = deadline - System.nanoTime();
            if (matches.size() >= count || left <= 0) {
                break;
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, left / 1_000_000)));
        }
        return new Result(matches, closest, seen.size(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Lists the messages not seen yet, newest first, and weighs each. */
    private void look() throws IOException {
        Map<Long, MailCandidate> fresh = new LinkedHashMap<>();
        pages:
        for (int skip = 0; skip < MAX_EXAMINED; skip += PAGE) {
            List<MailCandidate> page = source.newest(skip, PAGE);
            for (MailCandidate message : page) {
                if (seen.contains(message.id()) || message.id() <= baseline) {
                    break pages; // the rest is older, and was weighed or is not wanted
                }
                // A message stored between two pages moves the rest down: one may come twice.
                fresh.putIfAbsent(message.id(), message);
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        for (MailCandidate message : fresh.values()) {
            seen.add(message.id());
            try {
                weigh(message);
            } catch (NoSuchFileException e) {
                // Deleted since it was listed: it is not there to match.
            }
        }
    }

    private void weigh(MailCandidate message) throws IOException {
        int bound = expectation.bound(message);
        boolean mayMatch = bound == expectation.criteria().size();
        boolean mayBeCloser = closest == null || bound > closest.score()
                || bound == closest.score() && message.received().isAfter(closest.message().received());
        if (!mayMatch && !mayBeCloser) {
            return;
        }
        Expectation.Evaluation evaluation = expectation.evaluate(message);
        if (evaluation.matched()) {
            if (isAnotherDelivery(message)) {
                matches.add(evaluation);
            }
        } else if (closest == null || evaluation.score() > closest.score()
                || evaluation.score() == closest.score() && message.received().isAfter(closest.message().received())) {
            closest = evaluation;
        }
    }

    /**
     * Whether {@code message} is a delivery not counted yet rather than another mailbox's copy
     * of one: each mailbox's copy of a delivery has an id of its own, and shares the moment it
     * was received (to the millisecond), its envelope and its subject. Two deliveries can share
     * those too (the same message sent twice within a millisecond), but then the same mailbox
     * holds two copies, so a delivery is counted for each copy past the most that any other
     * mailbox holds of that key.
     */
    private boolean isAnotherDelivery(MailCandidate message) {
        String key = message.received() + "\n" + message.envelopeFrom() + "\n" + message.envelopeTo() + "\n"
                + message.subject();
        Map<String, Integer> byMailbox = copies.computeIfAbsent(key, k -> new HashMap<>());
        int before = byMailbox.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int here = byMailbox.merge(message.mailbox().toLowerCase(Locale.ROOT), 1, Integer::sum);
        return here > before;
    }
}
