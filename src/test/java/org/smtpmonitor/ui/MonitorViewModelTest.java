package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javafx.collections.ListChangeListener;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.MailboxDirectory.MailboxInfo;
import org.smtpmonitor.event.ClientWarning;
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
import org.smtpmonitor.event.UsersFileChanged;
import org.smtpmonitor.smtp.StoredCopy;

/** The window's state without a stage: batching, bounds and counts. */
class MonitorViewModelTest {

    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    static final Path ALICE = Path.of("/mail/alice@example.com.txt");
    static final Path BOB = Path.of("/mail/bob@example.com.txt");

    static SessionOpened opened(long id) {
        return new SessionOpened(id, new InetSocketAddress("127.0.0.1", 40000 + (int) id), T0.plusMillis(id));
    }

    static MessageDelivered delivered(long session, Path... mailboxes) {
        List<StoredCopy> copies = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        for (Path mailbox : mailboxes) {
            String address = mailbox.getFileName().toString().replace(".txt", "");
            recipients.add(address);
            copies.add(new StoredCopy(address, mailbox, 0, 10));
        }
        return new MessageDelivered(session, "Q" + session, "me@test.org", recipients, copies, 10, T0.plusSeconds(1));
    }

    MonitorViewModel model(int sessions, int lines) {
        MonitorViewModel model = new MonitorViewModel(sessions, lines);
        model.applyMailboxes(List.of(new MailboxInfo("alice@example.com", ALICE, 0, 0, 0, 0),
                new MailboxInfo("bob@example.com", BOB, 0, 0, 0, 0)));
        return model;
    }

    @Test
    void aLoginIsANoteInItsSessionsTranscript() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1), new LineReceived(1, "AUTH PLAIN ****", T0),
                new ReplySent(1, "235 2.7.0 Authentication successful", T0),
                new SessionAuthenticated(1, "PLAIN", "alice@example.com", T0), new SessionAuthenticated(9, "PLAIN", "x", T0)));
        List<TranscriptLine> lines = model.sessions().get(0).transcript().lines();
        assertEquals(List.of("C: AUTH PLAIN ****", "S: 235 2.7.0 Authentication successful",
                "-- AUTH PLAIN alice@example.com"), lines.subList(1, 4).stream().map(line -> line.formatted().substring(13))
                .toList(), "as shown: the note's own '--' once, not twice");
        assertEquals(TranscriptLine.Direction.NOTE, lines.get(3).direction());
    }

    @Test
    void aWarningMarksItsSessionAndIsANoteInItsTranscript() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1), opened(2), new LineReceived(1, "HELO my_host", T0),
                new ClientWarning(1, "bad-helo-name", "HELO name 'my\u202ehost' is not a domain (RFC 5321 4.1.1.1)", T0),
                new ClientWarning(1, "bare-lf", "bare LF in the message data (RFC 5321 2.3.8)", T0),
                new ClientWarning(7, "bare-lf", "a session no longer held", T0)));
        SessionRow warned = model.session(1).orElseThrow();
        SessionRow quiet = model.session(2).orElseThrow();
        assertTrue(warned.warnedProperty().get());
        assertFalse(quiet.warnedProperty().get());
        assertEquals("HELO name 'my\\u202ehost' is not a domain (RFC 5321 4.1.1.1)\n"
                + "bare LF in the message data (RFC 5321 2.3.8)", warned.warningsProperty().get(),
                "one per line, the client's bidi mark shown, not obeyed");
        assertTrue(warned.outcomeProperty().get().endsWith(", 2 warnings"), warned.outcomeProperty().get());
        assertFalse(quiet.outcomeProperty().get().contains("warning"));
        TranscriptLine note = warned.transcript().lines().get(2);
        assertEquals(TranscriptLine.Direction.NOTE, note.direction());
        assertEquals("warning: HELO name 'my\\u202ehost' is not a domain (RFC 5321 4.1.1.1)", note.text());
        assertEquals("warning", note.style());
    }

    @Test
    void rulesAppliedAreCountedInEverySessionAndNotedInHeldOnes() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1), new RuleApplied(1, "rcpt-452", "reply 452", T0),
                new RuleApplied(99, "slow", "delay 2000 ms", T0)));
        model.apply(List.of(new RuleApplied(1, "drop", "close before the reply", T0)));
        assertEquals(3, model.rulesAppliedProperty().get(), "a session no longer held is counted too");
        List<TranscriptLine> lines = model.session(1).orElseThrow().transcript().lines();
        assertEquals(List.of("rule \"rcpt-452\" applied: reply 452", "rule \"drop\" applied: close before the reply"),
                lines.subList(1, 3).stream().map(TranscriptLine::text).toList());
        assertEquals("rule", lines.get(1).style());
        assertEquals("note", lines.get(0).style());
    }

    @Test
    void aUsersFileThatCannotBeReadShowsItsProblemUntilAGoodEditApplies() {
        MonitorViewModel model = model(1000, 100);
        Path users = Path.of("/work/users.txt");
        model.apply(List.of(new UsersFileChanged(users, List.of(), List.of(),
                "/work/users.txt:3: 'bob@@example.com' is not an address: more than one '@'", T0)));
        assertEquals("/work/users.txt:3: 'bob@@example.com' is not an address: more than one '@': the previous list"
                + " of users is kept", model.usersFileProblemProperty().get());
        assertEquals("", model.usersFileReloadedProperty().get());
        model.apply(List.of(new UsersFileChanged(users, List.of("erin@example.com"),
                List.of("a@x.org", "b@x.org", "c@x.org", "d@x.org"), null, T0)));
        assertEquals("", model.usersFileProblemProperty().get(), "a good edit takes the banner away");
        assertEquals("users.txt reloaded: added 1 (erin@example.com); removed 4 (a@x.org, b@x.org, c@x.org, ...)",
                model.usersFileReloadedProperty().get());
    }

    @Test
    void aBatchOfManySessionsIsOneChangeOfTheSessionList() {
        MonitorViewModel model = model(1000, 100);
        AtomicInteger changes = new AtomicInteger();
        model.sessions().addListener((ListChangeListener<SessionRow>) c -> changes.incrementAndGet());
        List<SessionEvent> batch = new ArrayList<>();
        for (long id = 1; id <= 50; id++) {
            batch.add(opened(id));
            batch.add(new LineReceived(id, "EHLO x", T0));
        }
        model.apply(batch);
        assertEquals(1, changes.get());
        assertEquals(50, model.sessions().size());
        assertEquals(50, model.sessions().get(0).id(), "newest first");
        assertEquals(1, model.sessions().get(49).id());
    }

    @Test
    void pastTheLineBudgetTheOldestClosedSessionsLoseTheirTranscriptsFirstAndTheOneOnViewNever() {
        MonitorViewModel model = new MonitorViewModel(1000, 100, 50);
        List<SessionEvent> batch = new ArrayList<>();
        for (long id = 1; id <= 5; id++) {
            batch.add(opened(id)); // a note line each
            for (int i = 0; i < 9; i++) {
                batch.add(new LineReceived(id, "NOOP " + i, T0));
            }
        }
        batch.add(new SessionClosed(3, SessionClosed.Reason.QUIT, T0)); // and a note line
        batch.add(new SessionClosed(4, SessionClosed.Reason.QUIT, T0));
        model.apply(batch);
        // 52 lines, over the budget of 50: closed sessions go first, oldest first (3 before 4),
        // until at most 45 are kept.
        assertEquals(List.of(10, 10, 0, 11, 10), transcriptSizes(model));
        assertEquals(41, model.keptLines());
        assertEquals(11, model.sessions().get(2).transcript().dropped());

        model.transcript().selectedSessionProperty().set(model.sessions().get(4)); // session 1, open
        List<SessionEvent> more = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            more.add(new LineReceived(5, "NOOP", T0));
        }
        model.apply(more);
        // 61 lines: session 4 (closed) goes, then the oldest open one not on view (2).
        assertEquals(List.of(10, 0, 0, 0, 30), transcriptSizes(model));
        assertEquals(40, model.keptLines());
    }

    /** Lines kept per session, oldest session first. */
    private static List<Integer> transcriptSizes(MonitorViewModel model) {
        List<Integer> sizes = new ArrayList<>();
        for (SessionRow row : model.sessions()) {
            sizes.add(0, row.transcript().lines().size());
        }
        return sizes;
    }

    @Test
    void aBatchOfLinesIsOneChangeOfTheTranscript() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1)));
        SessionRow row = model.sessions().get(0);
        AtomicInteger changes = new AtomicInteger();
        row.transcript().lines().addListener((ListChangeListener<TranscriptLine>) c -> changes.incrementAndGet());
        model.apply(List.of(new LineReceived(1, "EHLO x", T0), new ReplySent(1, "250-a", T0),
                new ReplySent(1, "250 HELP", T0), new LineReceived(1, "QUIT", T0)));
        assertEquals(1, changes.get());
        assertEquals(List.of("EHLO x", "250-a", "250 HELP", "QUIT"),
                row.transcript().lines().subList(1, 5).stream().map(TranscriptLine::text).toList());
    }

    @Test
    void transcriptKeepsTheNewestLinesAndCountsTheDropped() {
        MonitorViewModel model = model(1000, 10);
        model.apply(List.of(opened(1)));
        List<SessionEvent> batch = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            batch.add(new LineReceived(1, "NOOP " + i, T0));
        }
        model.apply(batch.subList(0, 4));
        model.apply(batch.subList(4, 24));
        Transcript transcript = model.sessions().get(0).transcript();
        assertEquals(10, transcript.lines().size());
        assertEquals("NOOP 14", transcript.lines().get(0).text());
        assertEquals("NOOP 23", transcript.lines().get(9).text());
        assertEquals(15, transcript.dropped(), "24 lines and the connection note, 10 kept");

        model.transcript().selectedSessionProperty().set(model.sessions().get(0));
        assertEquals("15 earlier lines dropped (the newest 10 are kept)", model.transcript().droppedTextProperty().get());
        model.apply(List.of(new LineReceived(1, "QUIT", T0)));
        assertEquals("16 earlier lines dropped (the newest 10 are kept)", model.transcript().droppedTextProperty().get());
    }

    @Test
    void sessionListKeepsTheNewestSessionsAndIgnoresEventsOfDroppedOnes() {
        MonitorViewModel model = model(3, 100);
        for (long id = 1; id <= 5; id++) {
            model.apply(List.of(opened(id)));
        }
        assertEquals(List.of(5L, 4L, 3L), model.sessions().stream().map(SessionRow::id).toList());
        model.apply(List.of(new LineReceived(1, "EHLO late", T0), delivered(1, ALICE),
                new SessionClosed(1, SessionClosed.Reason.QUIT, T0)));
        assertEquals(4, model.openSessionsProperty().get(), "a dropped session still counts until it closes");
        assertEquals(1, model.deliveredProperty().get(), "and its deliveries count");
    }

    @Test
    void countsOpenSessionsDeliveriesErrorsAndMessagesPerSession() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(new ServerStarted(new InetSocketAddress("127.0.0.1", 12000), "example.com", T0),
                opened(1), opened(2), delivered(1, ALICE), delivered(1, ALICE, BOB),
                new ServerError(2, "mailbox full", T0), new SessionClosed(2, SessionClosed.Reason.IDLE_TIMEOUT, T0)));
        assertEquals(1, model.openSessionsProperty().get());
        assertEquals(2, model.deliveredProperty().get());
        assertEquals(1, model.ioErrorsProperty().get());
        assertEquals("mailbox full", model.lastErrorProperty().get());
        SessionRow second = model.sessions().get(0);
        SessionRow first = model.sessions().get(1);
        assertEquals(2, first.messagesProperty().get());
        assertEquals(SessionRow.State.OPEN, first.stateProperty().get());
        assertEquals("open", first.stateTextProperty().get());
        assertEquals(SessionRow.State.CLOSED, second.stateProperty().get());
        assertEquals("closed (idle timeout)", second.stateTextProperty().get());
        assertEquals(12000, model.listeningProperty().get().getPort());
        model.apply(List.of(new ServerStopped(T0)));
        assertNull(model.listeningProperty().get());
    }

    @Test
    void aDeliveryMarksTheMailboxNewUntilItIsViewed() {
        MonitorViewModel model = model(1000, 100);
        MailboxRow alice = model.mailboxes().get(0);
        MailboxRow bob = model.mailboxes().get(1);
        model.selectedMailboxProperty().set(bob);
        model.apply(List.of(opened(1), delivered(1, ALICE, BOB)));
        assertTrue(alice.freshProperty().get());
        assertFalse(bob.freshProperty().get(), "bob's mailbox is being viewed");
        assertEquals(T0.plusSeconds(1), alice.lastDeliveryProperty().get());
        model.selectedMailboxProperty().set(alice);
        assertFalse(alice.freshProperty().get());
    }

    @Test
    void mailboxCountsComeFromTheIndexAndUnindexedBytesAreShownApart() {
        MonitorViewModel model = model(1000, 100);
        MailboxRow alice = model.mailboxes().get(0);
        model.applyMailboxes(List.of(new MailboxInfo("alice@example.com", ALICE, 1234, 20_000, 12_288, 1234),
                new MailboxInfo("carol@example.com", Path.of("/mail/carol@example.com.txt"), 1, 10, 0, 1)));
        assertSame(alice, model.mailboxes().get(0), "the row is updated in place (its selection stays)");
        assertEquals("1,234 + 12.0 KB unindexed", alice.countText());
        assertEquals(20_000, alice.sizeProperty().get());
        assertEquals("0", model.mailboxes().get(1).countText());
        assertEquals(List.of("alice@example.com", "bob@example.com", "carol@example.com"),
                model.mailboxes().stream().map(MailboxRow::address).toList(), "a mailbox the table lacked is added");
    }

    @Test
    void filterShowsMatchingLinesOfTheSelectedSessionLive() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1), new LineReceived(1, "RCPT TO:<x@y>", T0), new ReplySent(1, "550 Address unknown", T0),
                new LineReceived(1, "BLAH", T0), new ReplySent(1, "500 Syntax error, command unrecognized", T0)));
        TranscriptViewModel transcript = model.transcript();
        transcript.selectedSessionProperty().set(model.sessions().get(0));
        transcript.filterProperty().set("s: 5");
        assertEquals(List.of("550 Address unknown", "500 Syntax error, command unrecognized"),
                transcript.visibleLines().stream().map(TranscriptLine::text).toList());
        model.apply(List.of(new ReplySent(1, "503 Bad sequence of commands", T0), new LineReceived(1, "QUIT 5", T0)));
        assertEquals(3, transcript.visibleLines().size(), "new lines pass through the filter as they come");
        transcript.filterProperty().set("");
        assertEquals(7, transcript.visibleLines().size(), "the connection note and six lines");
    }

    @Test
    void controlAndBidiCharactersAreShownEscapedInTheTranscriptAndTheStatusBar() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1), new LineReceived(1, "HELO \u001b]0;pwned\u0007\u001b[2J", T0),
                new ReplySent(1, "250 example.com Hello \u001b]0;pwned\u0007\u001b[2J", T0),
                new LineReceived(1, "NOOP \rforged\u009b", T0),
                new ServerError(1, "cannot store for \u202egpj.exe", T0)));
        TranscriptViewModel transcript = model.transcript();
        transcript.selectedSessionProperty().set(model.sessions().get(0));
        List<String> shown = transcript.visibleLines().stream().map(TranscriptLine::formatted).toList();
        assertEquals(List.of("C: HELO \\x1b]0;pwned\\x07\\x1b[2J", "S: 250 example.com Hello \\x1b]0;pwned\\x07\\x1b[2J",
                "C: NOOP \\x0dforged\\x9b", "-- Error: cannot store for \\u202egpj.exe"),
                shown.subList(1, 5).stream().map(line -> line.substring(13)).toList());
        assertEquals("cannot store for \\u202egpj.exe", model.lastErrorProperty().get());
        String copied = TranscriptViewModel.text(transcript.visibleLines());
        assertTrue(copied.chars().noneMatch(c -> c != '\n' && Character.isISOControl(c) || c == 0x202e), copied);
    }

    @Test
    void openSessionsDurationsMoveOnAndStopAtTheClose() {
        MonitorViewModel model = model(1000, 100);
        model.apply(List.of(opened(1)));
        SessionRow row = model.sessions().get(0);
        model.tick(T0.plusSeconds(5));
        assertEquals("5.0 s", row.durationProperty().get());
        model.apply(List.of(new SessionClosed(1, SessionClosed.Reason.QUIT, T0.plusSeconds(75))));
        model.tick(T0.plusSeconds(500));
        assertEquals("1:14", row.durationProperty().get());
    }
}
