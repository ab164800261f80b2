package org.smtpmonitor.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import org.smtpmonitor.event.SessionClosed;

/** One row of the sessions table, with the session's transcript. Changed on the FX thread only. */
final class SessionRow {

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

    void delivered() {
        messages.set(messages.get() + 1);
    }

    void close(SessionClosed.Reason reason, Instant at) {
        closed = at;
        stateText.set("closed (" + reason.label() + ")");
        state.set(State.CLOSED);
        tick(at);
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
