package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.MonitorViewModelTest.T0;
import static org.smtpmonitor.ui.MonitorViewModelTest.opened;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.ServerStarted;
import org.smtpmonitor.event.ServerStopped;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.TlsFailed;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.smtp.TlsInfo;

/** The session list's columns, marker and counts, and Follow per session, from the server's events. */
class SessionListViewModelTest {

    /** The events of a session: {@code C:} lines the client sent, {@code S:} replies; a delivery by {@code +QUEUEID}. */
    private static List<SessionEvent> session(long id, String... lines) {
        List<SessionEvent> events = new ArrayList<>();
        events.add(opened(id));
        for (String line : lines) {
            if (line.startsWith("C: ")) {
                events.add(new LineReceived(id, line.substring(3), T0));
            } else if (line.startsWith("S: ")) {
                events.add(new ReplySent(id, line.substring(3), T0));
            } else if (line.startsWith("+")) {
                events.add(new MessageDelivered(id, line.substring(1), "me@test.org", List.of("alice@example.com"),
                        List.of(new StoredCopy("alice@example.com", MonitorViewModelTest.ALICE, 0, 10)), 10, T0));
            } else {
                throw new IllegalArgumentException(line);
            }
        }
        return events;
    }

    private static SessionRow only(MonitorViewModel model) {
        assertEquals(1, model.sessions().size());
        return model.sessions().get(0);
    }

    private static List<String> notes(SessionRow row) {
        return row.transcript().lines().stream().filter(line -> line.direction() == TranscriptLine.Direction.NOTE)
                .map(line -> line.formatted().substring(13)).toList();
    }

    @Test
    void aSessionOverTlsGetsItsLockAndTellsItsTlsAndAuthInItsTranscriptAndTooltip() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(session(1, "S: 220 example.com ESMTP", "C: STARTTLS", "S: 220 Ready to start TLS"));
        SessionRow row = only(model);
        assertFalse(row.overTlsProperty().get());
        assertEquals("In the clear (no TLS)\nNo AUTH", row.securityProperty().get());

        model.apply(List.of(new TlsStarted(1, new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "mail.test"), T0),
                new LineReceived(1, "AUTH PLAIN ****", T0),
                new SessionAuthenticated(1, "PLAIN", "alice@example.com", T0), new ReplySent(1, "235 2.7.0 OK", T0)));
        assertTrue(row.overTlsProperty().get());
        assertEquals("TLS 1.3, TLS_AES_128_GCM_SHA256\nSNI mail.test\nAUTH PLAIN alice@example.com",
                row.securityProperty().get());
        assertEquals(List.of("-- Connection from 127.0.0.1:40001", "-- TLS 1.3 TLS_AES_128_GCM_SHA256 SNI mail.test",
                "-- AUTH PLAIN alice@example.com"), notes(row));
    }

    /** As the server does (RFC 3207): an AUTH made in the clear is forgotten when TLS starts. */
    @Test
    void anAuthInTheClearIsForgottenWhenTlsStarts() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(session(1));
        model.apply(List.of(new SessionAuthenticated(1, "PLAIN", "alice@example.com", T0)));
        SessionRow row = only(model);
        assertEquals("In the clear (no TLS)\nAUTH PLAIN alice@example.com", row.securityProperty().get());
        model.apply(List.of(new TlsStarted(1, new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", ""), T0)));
        assertEquals("TLS 1.3, TLS_AES_128_GCM_SHA256\nNo SNI name\nNo AUTH", row.securityProperty().get());
    }

    @Test
    void aFailedHandshakeIsANoteAndNoLockAndWhatTheClientNamedIsEscaped() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(session(1));
        model.apply(session(2));
        model.apply(List.of(new TlsFailed(1, "Unsupported or unrecognized SSL message \u001b[2J", T0),
                new TlsStarted(2, new TlsInfo("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "evil\u202e.test"), T0),
                new SessionAuthenticated(2, "LOGIN", "bob\r\n@x", T0)));
        SessionRow failed = model.session(1).orElseThrow();
        SessionRow hostile = model.session(2).orElseThrow();
        assertFalse(failed.overTlsProperty().get());
        assertEquals("-- TLS failed: Unsupported or unrecognized SSL message \\x1b[2J", notes(failed).get(1));
        assertEquals("TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\nSNI evil\\u202e.test\nAUTH LOGIN bob\\x0d\\x0a@x",
                hostile.securityProperty().get());
        assertEquals(List.of("-- TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 SNI evil\\u202e.test",
                "-- AUTH LOGIN bob\\x0d\\x0a@x"), notes(hostile).subList(1, 3));
    }

    @Test
    void theServersTlsIsKnownWhileItRuns() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        TlsReady ready = new TlsReady(new InetSocketAddress("127.0.0.1", 4650), "self-signed", "AB:CD", T0);
        model.apply(List.of(new ServerStarted(new InetSocketAddress("127.0.0.1", 2525), "example.com", T0), ready));
        assertEquals(ready, model.tlsProperty().get());
        model.apply(List.of(new ServerStopped(T0)));
        assertNull(model.tlsProperty().get());
    }

    @Test
    void aSessionShowsItsAcceptedSenderAndRecipientsItsDeliveriesAndItsRepliesInError() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(session(1, "S: 220 example.com ESMTP", "C: EHLO tester", "S: 250-example.com Hello tester",
                "S: 250 HELP", "C: MAIL FROM:<me@test.org> SIZE=20", "S: 250 OK", "C: RCPT TO:<nobody@example.com>",
                "S: 550 Address unknown", "C: BLAH", "S: 500 Syntax error, command unrecognized",
                "C: rcpt to:<alice@example.com>", "S: 250 OK", "C: DATA", "S: 354 Start mail input",
                "C: <message: 20 bytes, 2 lines>", "C: .", "+Q1", "S: 250 OK: queued as Q1"));
        SessionRow row = only(model);
        assertEquals("me@test.org", row.sendersProperty().get());
        assertEquals("alice@example.com", row.recipientsProperty().get(), "the refused recipient is not one");
        assertEquals("delivered 1, errors 2", row.outcomeProperty().get());
        assertEquals(2, row.repliesInErrorProperty().get());
        assertTrue(row.failedProperty().get());
        assertEquals(2, model.repliesInErrorProperty().get());
        assertEquals(0, model.ioErrorsProperty().get(), "a refusal is no I/O error");
        model.apply(List.of(new ServerError(1, "disk full", T0)));
        assertEquals(1, model.ioErrorsProperty().get());
        assertEquals(2, model.repliesInErrorProperty().get());
    }

    @Test
    void aSessionWhoseMailWasTurnedAwayIsRefusedAndOneThatSentNoneSaysSo() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(session(1, "S: 220 example.com ESMTP", "C: HELO tester", "S: 250 example.com",
                "C: MAIL FROM:<>", "S: 250 OK", "C: RCPT TO:<nobody@example.com>", "S: 550 Address unknown"));
        model.apply(List.of(new SessionClosed(1, SessionClosed.Reason.QUIT, T0)));
        model.apply(session(2, "S: 421 example.com Too many connections, try again later"));
        model.apply(session(3, "S: 220 example.com ESMTP", "C: NOOP", "S: 250 OK", "C: FOO", "S: 500 Syntax error"));
        model.apply(session(4, "S: 220 example.com ESMTP", "C: QUIT", "S: 221 Bye"));
        model.apply(session(5, "S: 220 example.com ESMTP"));
        model.apply(List.of(new SessionClosed(4, SessionClosed.Reason.QUIT, T0)));
        List<String> outcomes = model.sessions().stream().map(row -> row.outcomeProperty().get()).toList();
        assertEquals(List.of("", "no mail", "errors 1", "refused, errors 1", "refused, errors 1"), outcomes,
                "sessions 5 to 1: open and quiet; closed without mail; a bad command; turned away; its recipient refused");
        assertEquals("<>", model.sessions().get(4).sendersProperty().get(), "the null sender");
        assertEquals(List.of(false, false, true, true, true),
                model.sessions().stream().map(row -> row.failedProperty().get()).toList());
        assertEquals(3, model.repliesInErrorProperty().get());
    }

    @Test
    void aReplyOfManyLinesIsOneReplyAndRepliesToSessionsNoLongerHeldStillCount() {
        MonitorViewModel model = new MonitorViewModel(1, 100);
        model.apply(session(1, "S: 220 example.com ESMTP", "C: RCPT TO:<a@b>", "S: 554-first line",
                "S: 554-second line", "S: 554 last line"));
        assertEquals(1, only(model).repliesInErrorProperty().get());
        model.apply(List.of(opened(2)));
        assertNull(model.session(1).orElse(null), "only the newest session is held");
        model.apply(List.of(new ReplySent(1, "451 Try again later", T0), new ReplySent(1, "250-not an error", T0),
                new ReplySent(1, "4xx is not a code", T0)));
        assertEquals(2, model.repliesInErrorProperty().get());
    }

    @Test
    void manyRecipientsAreShortenedAndAddressesFromTheClientAreEscaped() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        List<String> lines = new ArrayList<>(List.of("S: 220 example.com ESMTP", "C: MAIL FROM:<\u202egpj.exe@x>",
                "S: 250 OK"));
        for (int i = 1; i <= 5; i++) {
            lines.addAll(List.of("C: RCPT TO:<u" + i + "@example.com>", "S: 250 OK"));
        }
        lines.addAll(List.of("C: RCPT TO:<u1@example.com>", "S: 250 OK"));
        model.apply(session(1, lines.toArray(String[]::new)));
        SessionRow row = only(model);
        assertEquals("u1@example.com, u2@example.com, u3@example.com +2", row.recipientsProperty().get());
        assertEquals("\\u202egpj.exe@x", row.sendersProperty().get());
        assertFalse(row.failedProperty().get());
    }

    @Test
    void followIsHeldBySessionAndSwitchingShowsEachOnesOwn() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(List.of(opened(1), opened(2)));
        SessionRow first = model.session(1).orElseThrow();
        SessionRow second = model.session(2).orElseThrow();
        TranscriptViewModel transcript = model.transcript();
        transcript.selectedSessionProperty().set(first);
        assertTrue(transcript.followProperty().get(), "a session follows at first");
        transcript.followProperty().set(false);
        transcript.selectedSessionProperty().set(second);
        assertTrue(transcript.followProperty().get(), "the other session still follows");
        assertFalse(first.followProperty().get());
        transcript.selectedSessionProperty().set(first);
        assertFalse(transcript.followProperty().get(), "back to the first: still not following");
        transcript.followProperty().set(true);
        assertTrue(first.followProperty().get());
        second.followProperty().set(false);
        assertTrue(transcript.followProperty().get(), "a session not shown does not change what is shown");
        transcript.selectedSessionProperty().set(null);
        assertTrue(transcript.followProperty().get());
        assertFalse(second.followProperty().get());
    }

    @Test
    void aDeliveryLineKnowsItsQueueIdAndMailboxes() {
        MonitorViewModel model = new MonitorViewModel(10, 100);
        model.apply(session(1, "+Q7"));
        model.transcript().selectedSessionProperty().set(only(model));
        List<TranscriptLine> deliveries = model.transcript().visibleLines().stream()
                .filter(line -> line.delivery() != null).toList();
        assertEquals(1, deliveries.size());
        assertEquals(new TranscriptLine.Delivery("Q7", List.of("alice@example.com")), deliveries.get(0).delivery());
        assertTrue(deliveries.get(0).text().startsWith("Delivered Q7: "));
    }
}
