package org.smtpmonitor.ui;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.smtpmonitor.app.MailboxDirectory.MailboxInfo;
import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.RuleApplied;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.event.TlsFailed;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.event.UsersFileChanged;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.text.Printable;

/**
 * What the window shows, as observable state: the sessions (newest first, at most
 * {@code sessionLimit}), their transcripts, the mailboxes and the status bar's figures.
 * Server events come in batches ({@link #apply}), each applied with a few list changes,
 * whatever its size. Needs no stage; changed on the FX thread only.
 */
final class MonitorViewModel {

    static final int DEFAULT_SESSION_LIMIT = 1_000;
    /**
     * Transcript lines kept in all, across sessions (about 150 bytes each): past it, the
     * oldest sessions lose theirs, closed ones first. Without it, a thousand sessions of
     * {@link Transcript#DEFAULT_LIMIT} lines each could take gigabytes.
     */
    static final int DEFAULT_LINE_BUDGET = 200_000;

    private final int sessionLimit;
    private final int transcriptLimit;
    private final int lineBudget;
    private long keptLines;
    private final ObservableList<SessionRow> sessions = FXCollections.observableArrayList();
    private final Map<Long, SessionRow> sessionsById = new HashMap<>();
    private final Set<SessionRow> openRows = new LinkedHashSet<>();
    private final ObservableList<MailboxRow> mailboxes = FXCollections.observableArrayList();
    private final Map<String, MailboxRow> mailboxesByAddress = new HashMap<>();
    private final IntegerProperty openSessions = new SimpleIntegerProperty();
    private final LongProperty delivered = new SimpleLongProperty();
    private final LongProperty ioErrors = new SimpleLongProperty();
    private final LongProperty repliesInError = new SimpleLongProperty();
    private final StringProperty lastError = new SimpleStringProperty("");
    private final LongProperty rulesApplied = new SimpleLongProperty();
    private final StringProperty usersFileProblem = new SimpleStringProperty("");
    private final StringProperty usersFileReloaded = new SimpleStringProperty("");
    private final ObjectProperty<InetSocketAddress> listening = new SimpleObjectProperty<>();
    private final ObjectProperty<TlsReady> tls = new SimpleObjectProperty<>();
    private final ObjectProperty<MailboxRow> selectedMailbox = new SimpleObjectProperty<>();
    private final TranscriptViewModel transcript = new TranscriptViewModel();

    MonitorViewModel(int sessionLimit, int transcriptLimit, int lineBudget) {
        this.sessionLimit = sessionLimit;
        this.transcriptLimit = transcriptLimit;
        this.lineBudget = lineBudget;
        selectedMailbox.addListener((o, old, row) -> {
            if (row != null) {
                row.freshProperty().set(false);
            }
        });
    }

    MonitorViewModel(int sessionLimit, int transcriptLimit) {
        this(sessionLimit, transcriptLimit, Integer.MAX_VALUE);
    }

    MonitorViewModel() {
        this(DEFAULT_SESSION_LIMIT, Transcript.DEFAULT_LIMIT, DEFAULT_LINE_BUDGET);
    }

    /**
     * Shows the mailboxes as the message index counts them: updates the rows there are and
     * adds the others, in the order given (the users file's).
     */
    void applyMailboxes(List<MailboxInfo> infos) {
        List<MailboxRow> added = new ArrayList<>();
        for (MailboxInfo info : infos) {
            MailboxRow row = mailboxesByAddress.get(info.address());
            if (row == null) {
                row = new MailboxRow(info.address(), info.file());
                mailboxesByAddress.put(info.address(), row);
                added.add(row);
            }
            row.messagesProperty().set(info.messages());
            row.sizeProperty().set(info.bytes());
            row.unindexedBytesProperty().set(info.unindexedBytes());
            row.unreadProperty().set(info.unread());
        }
        mailboxes.addAll(added);
    }

    /** Applies a batch of server events, in order. */
    void apply(List<SessionEvent> batch) {
        Map<SessionRow, List<TranscriptLine>> newLines = new LinkedHashMap<>();
        List<SessionRow> opened = new ArrayList<>();
        int open = openSessions.get();
        long deliveredCount = delivered.get();
        long ioErrorCount = ioErrors.get();
        long replyErrorCount = repliesInError.get();
        long rulesAppliedCount = rulesApplied.get();
        for (SessionEvent event : batch) {
            if (event instanceof SessionOpened e) {
                SessionRow row = new SessionRow(e.sessionId(), EventText.address(e.client()), e.at(), transcriptLimit);
                sessionsById.put(row.id(), row);
                openRows.add(row);
                opened.add(row);
                open++;
                note(newLines, row, e);
            } else if (event instanceof LineReceived e) {
                SessionRow row = line(newLines, e.sessionId(),
                        new TranscriptLine(e.at(), TranscriptLine.Direction.CLIENT, e.text()));
                if (row != null) {
                    row.received(e.text());
                }
            } else if (event instanceof ReplySent e) {
                SessionRow row = line(newLines, e.sessionId(),
                        new TranscriptLine(e.at(), TranscriptLine.Direction.SERVER, e.text()));
                // Counted whether or not the session is still held.
                if (row != null ? row.replied(e.text())
                        : SessionOutcome.endsReply(e.text()) && SessionOutcome.isError(e.text())) {
                    replyErrorCount++;
                }
            } else if (event instanceof MessageDelivered e) {
                deliveredCount++;
                delivered(e);
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    row.delivered();
                    List<String> mailboxes = e.copies().stream().map(StoredCopy::recipient).toList();
                    newLines.computeIfAbsent(row, r -> new ArrayList<>()).add(new TranscriptLine(e.at(),
                            TranscriptLine.Direction.NOTE, EventText.of(e),
                            new TranscriptLine.Delivery(e.queueId(), mailboxes)));
                }
            } else if (event instanceof SessionClosed e) {
                open--;
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    row.close(e.reason(), e.at());
                    openRows.remove(row);
                    note(newLines, row, e);
                }
            } else if (event instanceof ServerError e) {
                ioErrorCount++;
                lastError.set(Printable.escape(e.message()));
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    note(newLines, row, e);
                }
            } else if (event instanceof SessionAuthenticated e) {
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    row.authenticated(e.mechanism(), e.user());
                    note(newLines, row, e);
                }
            } else if (event instanceof TlsStarted e) {
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    row.tlsStarted(e.tls());
                    note(newLines, row, e);
                }
            } else if (event instanceof TlsFailed e) {
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    note(newLines, row, e);
                }
            } else if (event instanceof ClientWarning e) {
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    row.warned(e.text());
                    note(newLines, row, e);
                }
            } else if (event instanceof RuleApplied e) {
                rulesAppliedCount++;
                SessionRow row = sessionsById.get(e.sessionId());
                if (row != null) {
                    note(newLines, row, e);
                }
            } else if (event instanceof UsersFileChanged e) {
                usersFileChanged(e);
            } else if (event instanceof ServerStarted e) {
                listening.set(e.address());
            } else if (event instanceof TlsReady e) {
                tls.set(e);
            } else if (event instanceof ServerStopped) {
                listening.set(null);
                tls.set(null);
            }
        }
        for (Map.Entry<SessionRow, List<TranscriptLine>> entry : newLines.entrySet()) {
            keptLines += entry.getValue().size() - entry.getKey().transcript().append(entry.getValue());
        }
        if (!opened.isEmpty()) {
            Collections.reverse(opened);
            sessions.addAll(0, opened);
            trimSessions();
        }
        if (keptLines > lineBudget) {
            keepWithinLineBudget();
        }
        openSessions.set(open);
        delivered.set(deliveredCount);
        ioErrors.set(ioErrorCount);
        repliesInError.set(replyErrorCount);
        rulesApplied.set(rulesAppliedCount);
    }

    /**
     * A reload of the users file: one that failed shows its problem until a later one applies;
     * one that applied says what it changed, and marks the mailboxes of users it removed (their
     * mail stays; new mail to them is refused) until a later one adds them again.
     */
    private void usersFileChanged(UsersFileChanged e) {
        if (e.problem() != null) {
            usersFileProblem.set(Printable.escape(e.problem()) + ": the previous list of users is kept");
            return;
        }
        usersFileProblem.set("");
        for (String address : e.removed()) {
            MailboxRow row = mailboxesByAddress.get(address);
            if (row != null) {
                row.removedProperty().set(true);
            }
        }
        for (String address : e.added()) {
            MailboxRow row = mailboxesByAddress.get(address);
            if (row != null) {
                row.removedProperty().set(false);
            }
        }
        String name = e.file().getFileName() == null ? e.file().toString() : e.file().getFileName().toString();
        usersFileReloaded.set(Printable.escape(name + " reloaded: " + changes("added", e.added()) + "; "
                + changes("removed", e.removed())));
    }

    /** {@code added 2 (a@x, b@x)}, naming at most three; {@code added none}. */
    private static String changes(String what, List<String> addresses) {
        if (addresses.isEmpty()) {
            return what + " none";
        }
        String named = String.join(", ", addresses.subList(0, Math.min(3, addresses.size())));
        return what + " " + addresses.size() + " (" + named + (addresses.size() > 3 ? ", ..." : "") + ")";
    }

    private void delivered(MessageDelivered e) {
        for (StoredCopy copy : e.copies()) {
            MailboxRow mailbox = mailboxesByAddress.get(copy.recipient());
            if (mailbox != null) {
                mailbox.lastDeliveryProperty().set(e.at());
                if (mailbox != selectedMailbox.get()) {
                    mailbox.freshProperty().set(true);
                }
            }
        }
    }

    /**
     * Keeps the newest {@code sessionLimit} sessions; older ones go with their transcripts
     * (the table's selection lets go of a removed row by itself).
     */
    private void trimSessions() {
        if (sessions.size() <= sessionLimit) {
            return;
        }
        List<SessionRow> old = sessions.subList(sessionLimit, sessions.size());
        for (SessionRow row : old) {
            sessionsById.remove(row.id());
            openRows.remove(row);
            keptLines -= row.transcript().lines().size();
        }
        old.clear();
    }

    /**
     * Drops whole transcripts, oldest session first, closed sessions before open ones,
     * never the one on view, until the lines kept are a tenth under the budget (so that
     * this does not run at every batch).
     */
    private void keepWithinLineBudget() {
        long goal = lineBudget - lineBudget / 10;
        SessionRow onView = transcript.selectedSessionProperty().get();
        for (boolean closedOnly : new boolean[] {true, false}) {
            for (int i = sessions.size() - 1; i >= 0 && keptLines > goal; i--) {
                SessionRow row = sessions.get(i);
                if (row != onView && (!closedOnly || !openRows.contains(row))) {
                    keptLines -= row.transcript().dropAll();
                }
            }
        }
    }

    /** Transcript lines kept in all sessions together. */
    long keptLines() {
        return keptLines;
    }

    /** Adds {@code line} to the transcript of the session, if it is held; returns its row, or null. */
    private SessionRow line(Map<SessionRow, List<TranscriptLine>> newLines, long sessionId, TranscriptLine line) {
        SessionRow row = sessionsById.get(sessionId);
        if (row != null) {
            newLines.computeIfAbsent(row, r -> new ArrayList<>()).add(line);
        }
        return row;
    }

    private static void note(Map<SessionRow, List<TranscriptLine>> newLines, SessionRow row, SessionEvent event) {
        String text = EventText.of(event);
        // A note line is shown after its own "--": the TLS and AUTH notes' words begin with one already.
        newLines.computeIfAbsent(row, r -> new ArrayList<>()).add(new TranscriptLine(event.at(),
                TranscriptLine.Direction.NOTE, text.startsWith("-- ") ? text.substring(3) : text));
    }

    /** Moves the durations of open sessions on. */
    void tick(Instant now) {
        for (SessionRow row : openRows) {
            row.tick(now);
        }
    }

    /** The most sessions held: older ones go, with their transcripts. */
    int sessionLimit() {
        return sessionLimit;
    }

    ObservableList<SessionRow> sessions() {
        return sessions;
    }

    ObservableList<MailboxRow> mailboxes() {
        return mailboxes;
    }

    IntegerProperty openSessionsProperty() {
        return openSessions;
    }

    LongProperty deliveredProperty() {
        return delivered;
    }

    /** Server errors: a mailbox that could not be written, an accept that failed (I/O, not SMTP). */
    LongProperty ioErrorsProperty() {
        return ioErrors;
    }

    /** Replies with a 4xx or 5xx code sent to clients, in every session (held or not). */
    LongProperty repliesInErrorProperty() {
        return repliesInError;
    }

    /** The session of this id, while the window still holds it (the newest {@code sessionLimit}). */
    Optional<SessionRow> session(long id) {
        return Optional.ofNullable(sessionsById.get(id));
    }

    /** Scripted failure rules applied, in every session (held or not). */
    LongProperty rulesAppliedProperty() {
        return rulesApplied;
    }

    /** Why the users file's last edit could not be read (escaped), or empty: what the banner says. */
    StringProperty usersFileProblemProperty() {
        return usersFileProblem;
    }

    /** What the users file's last applied edit changed ({@code users.txt reloaded: added 1 (erin@example.com); removed none}). */
    StringProperty usersFileReloadedProperty() {
        return usersFileReloaded;
    }

    StringProperty lastErrorProperty() {
        return lastError;
    }

    /** Where the server listens; null while it is stopped. */
    ObjectProperty<InetSocketAddress> listeningProperty() {
        return listening;
    }

    /** The TLS the running server offers (its certificate's fingerprint, its implicit-TLS port); null while stopped. */
    ReadOnlyObjectProperty<TlsReady> tlsProperty() {
        return tls;
    }

    /** The mailbox being previewed; selecting it clears its "new" mark. */
    ObjectProperty<MailboxRow> selectedMailboxProperty() {
        return selectedMailbox;
    }

    TranscriptViewModel transcript() {
        return transcript;
    }
}
