package org.smtpmonitor.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.smtp.TlsInfo;
import org.smtpmonitor.text.Printable;

/**
 * One row of the sessions table, with the session's transcript, what it came to (see
 * {@link SessionOutcome}), its TLS and AUTH, and whether its transcript follows the newest line. Changed on the
 * FX thread only.
 */
final class SessionRow {

    private static final String IN_THE_CLEAR = "In the clear (no TLS)";
    private static final String NO_AUTH = "No AUTH";

    /** Whether the session's connection is still open. */
    enum State {
        OPEN,
        CLOSED
    }

    private final long id;
    private final String client;
    private final Instant started;
    private final Transcript transcript;
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.OPEN);
    /** The state as the table shows it: {@code open}, or {@code closed (idle timeout)} with the reason. */
    private final StringProperty stateText = new SimpleStringProperty("open");
    private final IntegerProperty messages = new SimpleIntegerProperty();
    private final StringProperty duration = new SimpleStringProperty("0s");
    private final SessionOutcome outcome = new SessionOutcome();
    private final StringProperty senders = new SimpleStringProperty("");
    private final StringProperty recipients = new SimpleStringProperty("");
    private final StringProperty outcomeText = new SimpleStringProperty("");
    private final IntegerProperty repliesInError = new SimpleIntegerProperty();
    private final BooleanProperty failed = new SimpleBooleanProperty();
    private final BooleanProperty follow = new SimpleBooleanProperty(true);
    private final BooleanProperty overTls = new SimpleBooleanProperty();
    private final StringProperty security = new SimpleStringProperty(IN_THE_CLEAR + "\n" + NO_AUTH);
    private final BooleanProperty warned = new SimpleBooleanProperty();
    private final StringProperty warnings = new SimpleStringProperty("");
    /** Warnings of the check of the sending client: at most one per kind, so a handful. */
    private int warningCount;
    private TlsInfo tls;
    /** The AUTH mechanism and user as shown ({@code PLAIN alice@example.com}, escaped); empty before AUTH. */
    private String auth = "";
    /** The outcome's version the columns show: most replies change nothing, and cost no update. */
    private long shownVersion;
    private Instant closed;

    SessionRow(long id, String client, Instant started, int transcriptLimit) {
        this.id = id;
        this.client = client;
        this.started = started;
        this.transcript = new Transcript(transcriptLimit);
    }

    long id() {
        return id;
    }

    String client() {
        return client;
    }

    Instant started() {
        return started;
    }

    Transcript transcript() {
        return transcript;
    }

    boolean isOpen() {
        return closed == null;
    }

    ReadOnlyObjectProperty<State> stateProperty() {
        return state;
    }

    ReadOnlyStringProperty stateTextProperty() {
        return stateText;
    }

    ReadOnlyIntegerProperty messagesProperty() {
        return messages;
    }

    ReadOnlyStringProperty durationProperty() {
        return duration;
    }

    /** MAIL FROM addresses the server accepted: {@code a@x}, or {@code a@x, b@x +2}. */
    ReadOnlyStringProperty sendersProperty() {
        return senders;
    }

    /** RCPT TO addresses the server accepted. */
    ReadOnlyStringProperty recipientsProperty() {
        return recipients;
    }

    /** {@code delivered 2}, {@code refused, errors 1}, {@code no mail}...: see {@link SessionOutcome#text}. */
    ReadOnlyStringProperty outcomeProperty() {
        return outcomeText;
    }

    /** Replies with a 4xx or 5xx code the session received. */
    ReadOnlyIntegerProperty repliesInErrorProperty() {
        return repliesInError;
    }

    /** True once the session received a reply in error. */
    ReadOnlyBooleanProperty failedProperty() {
        return failed;
    }

    /** Keep this session's newest line in view while it is shown; each session has its own. */
    BooleanProperty followProperty() {
        return follow;
    }

    /** True once the session's TLS handshake is done: its row shows a lock. */
    ReadOnlyBooleanProperty overTlsProperty() {
        return overTls;
    }

    /**
     * The session's TLS (protocol, cipher, the SNI name the client asked for) and AUTH (mechanism
     * and user), one per line, escaped: what the lock's tooltip says.
     */
    ReadOnlyStringProperty securityProperty() {
        return security;
    }

    /** True once the check of the sending client warned about this session: its row shows a mark. */
    ReadOnlyBooleanProperty warnedProperty() {
        return warned;
    }

    /** The warnings about the sending client, one per line, escaped: what the mark's tooltip says. */
    ReadOnlyStringProperty warningsProperty() {
        return warnings;
    }

    /** Notes a warning of the check of the sending client ({@code text} as the server said it). */
    void warned(String text) {
        warningCount++;
        String line = Printable.escape(text);
        warnings.set(warnings.get().isEmpty() ? line : warnings.get() + "\n" + line);
        warned.set(true);
        describe();
    }

    /** As the server does (RFC 3207), forgets an AUTH made before it. */
    void tlsStarted(TlsInfo info) {
        tls = info;
        auth = "";
        overTls.set(true);
        describeSecurity();
    }

    void authenticated(String mechanism, String user) {
        auth = Printable.escape(mechanism + " " + user);
        describeSecurity();
    }

    private void describeSecurity() {
        String how = tls == null ? IN_THE_CLEAR : EventText.tlsProtocol(tls.protocol()) + ", " + tls.cipher() + "\n"
                + (tls.serverName().isEmpty() ? "No SNI name" : "SNI " + Printable.escape(tls.serverName()));
        security.set(how + "\n" + (auth.isEmpty() ? NO_AUTH : "AUTH " + auth));
    }

    void received(String line) {
        outcome.received(line);
    }

    /** Notes a reply line; returns whether it ended a reply in error. */
    boolean replied(String line) {
        boolean error = outcome.replied(line);
        if (outcome.version() != shownVersion) {
            shownVersion = outcome.version();
            senders.set(outcome.senders());
            recipients.set(outcome.recipients());
            repliesInError.set(outcome.repliesInError());
            failed.set(outcome.repliesInError() > 0);
            describe();
        }
        return error;
    }

    void delivered() {
        messages.set(messages.get() + 1);
        outcome.delivered();
        describe();
    }

    void close(SessionClosed.Reason reason, Instant at) {
        closed = at;
        stateText.set("closed (" + reason.label() + ")");
        state.set(State.CLOSED);
        tick(at);
        describe();
    }

    private void describe() {
        String text = outcome.text(closed == null);
        if (warningCount > 0) {
            text += ", " + warningCount + (warningCount == 1 ? " warning" : " warnings");
        }
        outcomeText.set(text);
    }

    /** Updates the duration shown: up to {@code now} while open, up to the close after. */
    void tick(Instant now) {
        Instant end = closed != null ? closed : now;
        duration.set(format(Duration.between(started, end)));
    }

    static String format(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + " ms";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
