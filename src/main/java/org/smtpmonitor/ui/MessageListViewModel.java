package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import javafx.animation.PauseTransition;
import javafx.beans.InvalidationListener;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageOrder;

/**
 * The message list: the selected mailbox's messages, or the messages that match the search
 * box, in that mailbox or in all, a page at a time from the message index (a mailbox of a
 * million messages costs one page), in the order the user chose, which the index sorts (a
 * sort of the rows on view would sort one page). Every query runs on {@code background}; a
 * listing asked for while one runs waits for it, and one that answers for a mailbox, search
 * or order no longer shown is dropped. Changes the index reports are coalesced into at most
 * one reload per {@link #RELOAD_INTERVAL_NANOS}, and reloads take no more than a quarter of
 * the time (a search over a million messages under a flood takes a while).
 */
final class MessageListViewModel {

    static final int PAGE = 200;
    /** A reload keeps at most this many rows: a list scrolled far down is cut back to it (with "Load more"). */
    static final int MAX_RELOAD = 2_000;
    static final long RELOAD_INTERVAL_NANOS = 250_000_000L;
    /** Typing pauses this long before the search runs. */
    static final Duration SEARCH_DELAY = Duration.millis(300);
    /** The most rows listed to show one message far down the order (see {@link #reveal}): what a reload keeps. */
    static final int MAX_REVEAL = MAX_RELOAD;

    private final MailboxDirectory mail;
    private final String mailProblem;
    private final Executor background;
    private final ObjectProperty<MailboxRow> mailbox = new SimpleObjectProperty<>();
    private final StringProperty query = new SimpleStringProperty("");
    private final ReadOnlyObjectWrapper<MessageOrder> order = new ReadOnlyObjectWrapper<>(MessageOrder.NEWEST_FIRST);
    private final ObservableList<MessageSummary> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper();
    private final IntegerProperty reloads = new SimpleIntegerProperty();
    private final PauseTransition searchDelay = new PauseTransition(SEARCH_DELAY);
    private final InvalidationListener countsChanged = o -> countsChanged();

    /** The search the rows answer: empty for the mailbox's own list. */
    private String search = "";
    /** Counts the listings begun (another mailbox, another search): an answer for an older one is dropped. */
    private long generation;
    private boolean loading;
    private boolean moreWanted;
    private boolean reloadWanted;
    /** A message the next listing must reach, if it is listed at all: the selection of a re-sort, a jump. */
    private long revealId;
    private long lastReload = Long.MIN_VALUE / 2;
    private long reloadGap = RELOAD_INTERVAL_NANOS;
    /** Message rows shown (the rows but the trailing "unindexed" or "load more" one). */
    private int loaded;
    private boolean more;
    private String problem;
    private boolean updating;

    /**
     * @param mail        the stored mail, or null when the message index could not be opened
     * @param mailProblem why it could not be, shown instead of a list
     */
    MessageListViewModel(MailboxDirectory mail, String mailProblem, Executor background) {
        this.mail = mail;
        this.mailProblem = mailProblem;
        this.background = background;
        mailbox.addListener((o, old, row) -> {
            if (old != null) {
                old.messagesProperty().removeListener(countsChanged);
                old.unindexedBytesProperty().removeListener(countsChanged);
            }
            if (row != null) {
                row.messagesProperty().addListener(countsChanged);
                row.unindexedBytesProperty().addListener(countsChanged);
            }
            show();
        });
        query.addListener((o, old, text) -> {
            if (text == null || text.isBlank()) {
                searchDelay.stop();
                applyQuery();
            } else {
                searchDelay.playFromStart();
            }
        });
        searchDelay.setOnFinished(e -> applyQuery());
        describe();
    }

    private void applyQuery() {
        String wanted = query.get() == null ? "" : query.get().strip();
        if (!wanted.equals(search)) {
            search = wanted;
            show();
        }
    }

    /** Lists again from the first page: another mailbox, or another search. */
    private void show() {
        change(rows::clear);
        loaded = 0;
        more = false;
        relist();
        if (isListing()) {
            status.set(searching() ? "Searching\u2026" : "Reading " + mailbox.get().address() + "\u2026");
        }
    }

    /** Lists again from the first row; the rows on view stay until the new ones replace them. */
    private void relist() {
        generation++;
        loading = false;
        moreWanted = false;
        reloadWanted = false;
        problem = null;
        if (!isListing()) {
            describe();
            return;
        }
        load(0, PAGE, true);
    }

    /**
     * Lists again in {@code wanted} order, as far as message {@code keep} (0 for none) if it is
     * within {@link #MAX_REVEAL} rows, so that a selection stays in view.
     */
    void sort(MessageOrder wanted, long keep) {
        if (!wanted.equals(order.get())) {
            order.set(wanted);
            reveal(keep);
        }
    }

    /** Lists again, as far as message {@code id} if it is within {@link #MAX_REVEAL} rows. */
    void reveal(long id) {
        revealId = id;
        relist();
    }

    private boolean isListing() {
        return mail != null && (mailbox.get() != null || searching());
    }

    private boolean searching() {
        return !search.isEmpty();
    }

    /** Loads the next page, now or once the listing under way is done. */
    void loadMore() {
        if (loading) {
            moreWanted = more;
        } else if (more) {
            load(loaded, PAGE, false);
        }
    }

    /** The index changed these mailboxes: list again at a coming pulse if that touches what is shown. */
    void changed(Set<String> addresses) {
        if (!isListing()) {
            return;
        }
        MailboxRow row = mailbox.get();
        if (row == null || addresses.contains(row.address())) {
            reloadWanted = true;
        }
    }

    /** Lists again at the next pulse (after a delete, or F5). */
    void reloadNow() {
        if (isListing()) {
            reloadWanted = true;
            lastReload = Long.MIN_VALUE / 2;
        }
    }

    /** Called once per pulse: starts a wanted reload when none runs and the last is old enough. */
    void pulse(long nowNanos) {
        if (reloadWanted && !loading && nowNanos - lastReload >= reloadGap) {
            reloadWanted = false;
            lastReload = nowNanos;
            load(0, Math.max(PAGE, Math.min(loaded, MAX_RELOAD)), true);
        }
    }

    /**
     * Asks for {@code limit} rows from {@code skip} on, and one more to learn whether there are
     * more; a first page reaches as far as the message to reveal, if there is one.
     */
    private void load(int skip, int limit, boolean replace) {
        loading = true;
        long asked = generation;
        String address = mailbox.get() == null ? null : mailbox.get().address();
        String words = search;
        MessageOrder sorted = order.get();
        long reveal = skip == 0 ? revealId : 0;
        BackgroundCall.run(background, () -> BackgroundCall.Timed.of(() -> {
                    int rows = limit;
                    if (reveal != 0 && words.isEmpty() && address != null) {
                        long position = mail.position(address, sorted, reveal);
                        rows = (int) Math.max(limit, Math.min(MAX_REVEAL, (position / PAGE + 1) * PAGE));
                    }
                    return new Page(rows, words.isEmpty() ? mail.messages(address, sorted, skip, rows + 1)
                            : mail.search(words, address, sorted, skip, rows + 1));
                }),
                found -> {
                    if (asked == generation) {
                        loading = false;
                        if (reveal != 0) {
                            revealId = 0;
                        }
                        reloadGap = Math.max(RELOAD_INTERVAL_NANOS, 3 * found.nanos());
                        loaded(found.value().messages(), found.value().limit(), replace);
                    }
                },
                failure -> {
                    if (asked == generation) {
                        loading = false;
                        failed(failure);
                    }
                });
    }

    /** Up to {@code limit} messages, and one more if there are more. */
    private record Page(int limit, List<IndexedMessage> messages) {
    }

    private void loaded(List<IndexedMessage> found, int limit, boolean replace) {
        more = found.size() > limit;
        List<MessageSummary> page = new ArrayList<>(Math.min(found.size(), limit) + 1);
        for (IndexedMessage message : found.subList(0, Math.min(found.size(), limit))) {
            page.add(MessageSummary.of(message));
        }
        change(() -> {
            if (replace) {
                loaded = page.size();
                page.addAll(trailer());
                rows.setAll(page);
            } else {
                removeTrailer();
                loaded += page.size();
                page.addAll(trailer());
                rows.addAll(page);
            }
        });
        problem = null;
        describe();
        reloads.set(reloads.get() + 1);
        if (moreWanted) {
            moreWanted = false;
            loadMore();
        }
    }

    private void failed(Throwable failure) {
        moreWanted = false;
        if (failure instanceof IllegalArgumentException) {
            // A query that is not well formed: its message says where; there is nothing to list.
            change(rows::clear);
            loaded = 0;
            more = false;
            problem = "Search: " + BackgroundCall.reason(failure);
        } else {
            String what = searching() ? "search" : "list " + mailbox.get().address();
            problem = "Cannot " + what + ": " + BackgroundCall.reason(failure);
        }
        describe();
    }

    /** The row after the messages: "load more", or the unindexed bytes of a raw mailbox once all is listed. */
    private List<MessageSummary> trailer() {
        if (more) {
            return List.of(MessageSummary.more(searching()
                    ? String.format(Locale.ROOT, "Load more\u2026 (%,d results shown)", loaded)
                    : String.format(Locale.ROOT, "Load more\u2026 (%,d of %,d shown)", loaded,
                    mailbox.get().messagesProperty().get())));
        }
        MailboxRow row = mailbox.get();
        if (!searching() && row != null && row.unindexedBytesProperty().get() > 0) {
            return List.of(MessageSummary.unindexed(row.address(), row.unindexedBytesProperty().get()));
        }
        return List.of();
    }

    private void removeTrailer() {
        if (!rows.isEmpty() && !rows.get(rows.size() - 1).isMessage()) {
            rows.remove(rows.size() - 1);
        }
    }

    /** Changes the rows; the table's selection follows, which is not the user's doing (see {@link #isUpdating}). */
    private void change(Runnable change) {
        updating = true;
        try {
            change.run();
        } finally {
            updating = false;
        }
    }

    /** The mailbox's counts moved: so may the trailing row of a finished listing, and the status. */
    private void countsChanged() {
        if (isListing() && !loading) {
            change(() -> {
                removeTrailer();
                rows.addAll(trailer());
            });
        }
        describe();
    }

    private void describe() {
        MailboxRow row = mailbox.get();
        if (mail == null) {
            status.set("The stored mail cannot be listed: " + mailProblem);
        } else if (problem != null) {
            status.set(problem);
        } else if (searching()) {
            status.set(String.format(Locale.ROOT, "%,d%s found for \u201c%s\u201d in %s", loaded, more ? "+" : "",
                    search, row == null ? "all mailboxes" : row.address()));
        } else if (row == null) {
            status.set("Select a mailbox to see its messages, or search them all.");
        } else {
            long count = row.messagesProperty().get();
            long unindexed = row.unindexedBytesProperty().get();
            status.set(String.format(Locale.ROOT, "%s: %,d message%s, %s%s", row.address(), count, count == 1 ? "" : "s",
                    Sizes.human(row.sizeProperty().get()),
                    unindexed > 0 ? ", + " + Sizes.human(unindexed) + " unindexed" : ""));
        }
    }

    /** The mailbox listed (and searched); null to search all. */
    ObjectProperty<MailboxRow> mailboxProperty() {
        return mailbox;
    }

    /** The order of the rows, as the index sorts them; see {@link #sort}. */
    ReadOnlyObjectProperty<MessageOrder> orderProperty() {
        return order.getReadOnlyProperty();
    }

    /**
     * Finds the copy in {@code address}'s mailbox of the message a session delivered as
     * {@code queueId}, off the FX thread; then gives its id to {@code found}, or says why not.
     */
    void findDelivered(String queueId, String address, LongConsumer found, Consumer<String> missing) {
        if (mail == null) {
            missing.accept("The stored mail cannot be read: " + mailProblem);
            return;
        }
        BackgroundCall.run(background, () -> mail.delivered(queueId, address),
                message -> {
                    if (message.isPresent()) {
                        found.accept(message.get().id());
                    } else {
                        missing.accept("Message " + queueId + " is no longer in " + address + "'s mailbox");
                    }
                },
                failure -> missing.accept("Cannot find message " + queueId + ": " + BackgroundCall.reason(failure)));
    }

    /** The search box's text; blank for the mailbox's own list. */
    StringProperty queryProperty() {
        return query;
    }

    ObservableList<MessageSummary> rows() {
        return rows;
    }

    ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Counts finished listings, so the view can select the same messages again afterwards. */
    ReadOnlyIntegerProperty reloadsProperty() {
        return reloads;
    }

    /** True while the rows are being replaced (the table's selection changes then: not the user's doing). */
    boolean isUpdating() {
        return updating;
    }
}
