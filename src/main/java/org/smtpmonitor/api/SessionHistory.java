package org.smtpmonitor.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.text.Json;

/**
 * The sessions the API holds, for {@code GET /api/sessions} and {@code GET /api/sessions/{id}}:
 * the last {@link #MAX_SESSIONS}, open or closed, with their transcripts (each capped as
 * {@link HeldSession} says), and at most {@link #MAX_TOTAL_CHARS} of transcript in all;
 * past either bound the oldest sessions go first. Subscribed to the event bus before the
 * monitor starts, so it misses no session.
 *
 * <p>Kept in {@code api}, not shared with the window: the window keeps its own sessions as
 * JavaFX rows applied once per pulse, while this is read by request threads at any time, as
 * JSON. The listener runs on the server's threads: it looks the session up in a concurrent map
 * and appends under that session's lock alone, so sessions on different event loops never wait
 * for each other, and nothing here blocks.
 *
 * <p>{@code GET /api/sessions[?limit=N]} (N from 1 to 1,000; all held by default) answers an
 * array, newest first, of
 * <pre>
 * {"id":7, "client":"127.0.0.1:40000", "opened":"2026-11-30T16:00:00.123Z",
 *  "closed":"2026-11-30T16:00:01.456Z" (null while open),
 *  "outcome":"quit" (how it closed, null while open: quit, client disconnected, idle timeout,
 *             command timeout, data timeout, too many connections, too many failed AUTH attempts,
 *             server shutdown, TLS error, closed by a rule, I/O error),
 *  "delivered":1 (messages stored),
 *  "tls":{"protocol":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256","sni":"mail.example.com" or null} or null,
 *  "auth":{"mechanism":"PLAIN","user":"alice@example.com"} or null,
 *  "warnings":[{"kind":"bare-lf","text":"..."}],
 *  "lines":42 (transcript lines, including any past the cut),
 *  "transcriptCut":false}
 * </pre>
 * {@code GET /api/sessions/{id}} answers the same object with
 * {@code "transcript":[{"at":"...","kind":"in"|"out"|"note","text":"..."}]}: {@code in} a line
 * the client sent ({@code MAIL FROM:<a@x>}; message data as one line such as
 * {@code <message: 1,234 bytes, 20 lines>}; an AUTH's secrets as {@code ****}), {@code out} a
 * reply line, {@code note} what else happened, in the console log's words
 * ({@code Connection from ...}, {@code -- TLS 1.3 ...}, {@code -- AUTH PLAIN alice@example.com},
 * {@code Delivered Q: N bytes from <a@x> to ...}, {@code Closed (quit)}, and
 * {@code -- transcript cut} as the last line kept). A bad id is 400; a session not held
 * (never was, or let go) is 404.
 */
final class SessionHistory implements Consumer<SessionEvent> {

    static final int MAX_SESSIONS = 1_000;
    /**
     * 64 MB of transcript in all, each line counted as its text and {@link HeldSession#LINE_COST}:
     * {@link #MAX_SESSIONS} full transcripts would be a quarter of a gigabyte.
     */
    static final long MAX_TOTAL_CHARS = 64L * 1024 * 1024;

    private final Map<Long, HeldSession> byId = new ConcurrentHashMap<>();
    /** Oldest first. */
    private final ConcurrentLinkedDeque<HeldSession> order = new ConcurrentLinkedDeque<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong chars = new AtomicLong();
    private final int maxSessions;
    private final long maxChars;

    SessionHistory() {
        this(MAX_SESSIONS, MAX_TOTAL_CHARS);
    }

    SessionHistory(int maxSessions, long maxChars) {
        this.maxSessions = maxSessions;
        this.maxChars = maxChars;
    }

    @Override
    public void accept(SessionEvent event) {
        if (event instanceof SessionOpened opened) {
            HeldSession session = new HeldSession(opened);
            byId.put(session.id(), session);
            order.addLast(session);
            count.incrementAndGet();
            session.apply(event, chars);
            trim();
            return;
        }
        long id = EventText.sessionOf(event);
        HeldSession session = id == 0 ? null : byId.get(id);
        if (session != null && session.apply(event, chars) > maxChars) {
            trim();
        }
    }

    /** Lets the oldest sessions go until both bounds hold. */
    private void trim() {
        while (count.get() > maxSessions || chars.get() > maxChars) {
            HeldSession oldest = order.pollFirst();
            if (oldest == null) {
                return;
            }
            count.decrementAndGet();
            byId.remove(oldest.id());
            oldest.evict(chars);
        }
    }

    /** The newest {@code limit} sessions, newest first, without transcripts, as a JSON array. */
    String list(int limit) {
        List<HeldSession> newest = new ArrayList<>();
        Iterator<HeldSession> sessions = order.descendingIterator();
        while (sessions.hasNext() && newest.size() < limit) {
            newest.add(sessions.next());
        }
        return Json.array(newest, HeldSession::summary);
    }

    /** The session {@code id} with its transcript, as a JSON object; null when not held. */
    String session(long id) {
        HeldSession session = byId.get(id);
        return session == null ? null : session.detail().toString();
    }

    /** Adds {@code GET /api/sessions} and {@code GET /api/sessions/{id}} to {@code api}. */
    void addRoutes(ApiServer api) {
        api.route("GET", "/api/sessions", request ->
                request.json(200, list(request.queryInt("limit", maxSessions, 1, maxSessions))), "limit");
        api.route("GET", "/api/sessions/{id}", request -> {
            String value = request.path("id");
            if (!value.matches("[1-9]\\d{0,17}")) {
                throw ApiException.badRequest("'" + value + "' is not a session id (a positive whole number)");
            }
            String json = session(Long.parseLong(value));
            if (json == null) {
                throw ApiException.notFound("no session " + value + " is held (the API holds the last "
                        + maxSessions + " sessions)");
            }
            request.json(200, json);
        });
    }
}
