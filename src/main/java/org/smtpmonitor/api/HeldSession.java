package org.smtpmonitor.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.smtp.TlsInfo;
import org.smtpmonitor.text.Json;
import org.smtpmonitor.text.Printable;

/**
 * One session as the API holds it: who, when, how it ended, its TLS and AUTH, its warnings
 * and its transcript, capped at {@link #MAX_LINES} lines and {@link #MAX_CHARS} characters
 * (then one line {@code -- transcript cut} says so, and later lines are only counted).
 * Every text from the client is kept escaped ({@link Printable#escape}), so what is served
 * can be printed on a terminal as it is. Events come from the server's threads, reads from
 * the API's: each method holds the session's lock for a moment.
 */
final class HeldSession {

    static final int MAX_LINES = 2_000;
    static final int MAX_CHARS = 256 * 1024;
    /** Warnings kept: each kind comes once per session, so this is more than there are kinds. */
    static final int MAX_WARNINGS = 50;
    static final String CUT = "-- transcript cut";
    /**
     * What a line costs beyond its text (its record, time and string), counted against the
     * history's total so that many short lines are bounded as surely as a few long ones.
     */
    static final int LINE_COST = 64;

    private record Line(Instant at, String kind, String text) {
    }

    private record Warning(String kind, String text) {
    }

    private final long id;
    private final String client;
    private final Instant opened;
    private final List<Line> lines = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private Instant closed;
    private String outcome;
    private int delivered;
    private TlsInfo tls;
    private String authMechanism;
    private String authUser;
    private long chars;
    /** What the transcript counts against the history's total: its characters and {@link #LINE_COST} a line. */
    private long held;
    /** Lines that came after the cut: counted, not kept. */
    private long cutLines;
    private boolean evicted;

    HeldSession(SessionOpened opened) {
        this.id = opened.sessionId();
        this.client = EventText.address(opened.client());
        this.opened = opened.at();
    }

    long id() {
        return id;
    }

    /**
     * Notes {@code event} of this session, adding what its transcript line holds (its
     * characters and {@link #LINE_COST}) to {@code total} (under this session's lock, so that {@link #evict} takes back exactly
     * what was added); returns the new total.
     */
    synchronized long apply(SessionEvent event, AtomicLong total) {
        return evicted ? total.get() : total.addAndGet(note(event));
    }

    private long note(SessionEvent event) {
        if (event instanceof LineReceived e) {
            return add(e.at(), "in", e.text());
        } else if (event instanceof ReplySent e) {
            return add(e.at(), "out", e.text());
        }
        if (event instanceof SessionClosed e) {
            closed = e.at();
            outcome = e.reason().label();
        } else if (event instanceof MessageDelivered) {
            delivered++;
        } else if (event instanceof TlsStarted e) {
            tls = e.tls();
        } else if (event instanceof SessionAuthenticated e) {
            authMechanism = e.mechanism();
            authUser = e.user();
        } else if (event instanceof ClientWarning e && warnings.size() < MAX_WARNINGS) {
            warnings.add(new Warning(Printable.escape(e.kind()), Printable.escape(e.text())));
        }
        return add(event.at(), "note", EventText.of(event));
    }

    private long add(Instant at, String kind, String text) {
        if (cutLines > 0) {
            cutLines++;
            return 0;
        }
        String shown = Printable.escape(text);
        if (lines.size() + 1 >= MAX_LINES || chars + shown.length() > MAX_CHARS) {
            // One line left for saying so.
            lines.add(new Line(at, "note", CUT));
            cutLines = 1;
            chars += CUT.length();
            held += CUT.length() + LINE_COST;
            return CUT.length() + LINE_COST;
        }
        lines.add(new Line(at, kind, shown));
        chars += shown.length();
        held += shown.length() + LINE_COST;
        return shown.length() + LINE_COST;
    }

    /** Lets go of the transcript, taking what it held from {@code total}. Later events are ignored. */
    synchronized void evict(AtomicLong total) {
        evicted = true;
        lines.clear();
        total.addAndGet(-held);
    }

    /** The session without its transcript: {@code GET /api/sessions}. */
    synchronized Json.Fields summary() {
        Json.Fields tlsJson = tls == null ? null : Json.object().field("protocol", tls.protocol())
                .field("cipher", tls.cipher())
                .nullable("sni", tls.serverName().isEmpty() ? null : Printable.escape(tls.serverName()));
        Json.Fields authJson = authMechanism == null ? null : Json.object()
                .field("mechanism", Printable.escape(authMechanism)).field("user", Printable.escape(authUser));
        return Json.object().field("id", id).field("client", client).field("opened", opened.toString())
                .nullable("closed", closed == null ? null : closed.toString()).nullable("outcome", outcome)
                .field("delivered", delivered).field("tls", tlsJson).field("auth", authJson)
                .objects("warnings", warnings, w -> Json.object().field("kind", w.kind()).field("text", w.text()))
                .field("lines", cutLines > 0 ? lines.size() - 1 + cutLines : lines.size())
                .field("transcriptCut", cutLines > 0);
    }

    /** The session with its transcript: {@code GET /api/sessions/{id}}. */
    synchronized Json.Fields detail() {
        return summary().objects("transcript", lines, line -> Json.object().field("at", line.at().toString())
                .field("kind", line.kind()).field("text", line.text()));
    }
}
