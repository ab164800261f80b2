package org.smtpmonitor.ui;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.smtpmonitor.app.MailboxDirectory;

/**
 * Keeps the mailboxes table's counts as the message index has them: when the index reports
 * changes, one query of every mailbox's count on {@code background}, at most once per
 * {@link #INTERVAL_NANOS} however often it reports, and no more than a quarter of the time:
 * a count over a million messages takes a while, and shares the index with its writer.
 */
final class MailboxCounts {

    static final long INTERVAL_NANOS = 250_000_000L;

    private final MailboxDirectory mail;
    private final Executor background;
    private final MonitorViewModel model;
    private final Consumer<String> problems;
    private boolean wanted;
    private boolean loading;
    private long last = Long.MIN_VALUE / 2;
    private long gap = INTERVAL_NANOS;

    /** @param mail the stored mail, or null when the index could not be opened (there is nothing to count) */
    MailboxCounts(MailboxDirectory mail, Executor background, MonitorViewModel model, Consumer<String> problems) {
        this.mail = mail;
        this.background = background;
        this.model = model;
        this.problems = problems;
    }

    /** The index changed: count again at a coming pulse. */
    void changed() {
        wanted = true;
    }

    /** Counts again at the next pulse (after a delete, or F5). */
    void reloadNow() {
        wanted = true;
        last = Long.MIN_VALUE / 2;
    }

    /** Called once per pulse. */
    void pulse(long nowNanos) {
        if (!wanted || loading || mail == null || nowNanos - last < gap) {
            return;
        }
        wanted = false;
        loading = true;
        last = nowNanos;
        BackgroundCall.run(background, () -> BackgroundCall.Timed.of(mail::mailboxes),
                counted -> {
                    loading = false;
                    gap = Math.max(INTERVAL_NANOS, 3 * counted.nanos());
                    model.applyMailboxes(counted.value());
                },
                failure -> {
                    loading = false;
                    problems.accept("Cannot count the mailboxes: " + BackgroundCall.reason(failure));
                });
    }
}
