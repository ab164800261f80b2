package org.smtpmonitor.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.ParsedMessage;

/**
 * The message preview: the source of the selected message as it was sent (an mbox file's
 * framing undone), at most {@link #SOURCE_LIMIT} bytes of it, from the store's model of the
 * message ({@link MailboxDirectory#parse}), read on {@code background}.
 */
final class PreviewViewModel {

    static final int SOURCE_LIMIT = 256 * 1024;

    private final MailboxDirectory mail;
    private final Executor background;
    private final ObjectProperty<MessageSummary> message = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper source = new ReadOnlyStringWrapper("");
    /** Counts the messages asked for: only the answer for the newest is shown. */
    private long request;
    private long shownId;

    PreviewViewModel(MailboxDirectory mail, Executor background) {
        this.mail = mail;
        this.background = background;
        message.addListener((o, old, selected) -> read(selected));
    }

    private void read(MessageSummary selected) {
        long id = selected == null || !selected.isMessage() ? 0 : selected.id();
        if (id == shownId) {
            return; // the same message, listed again
        }
        long asked = ++request;
        shownId = id;
        if (id == 0 || mail == null) {
            source.set("");
            return;
        }
        BackgroundCall.run(background, () -> sourceOf(mail.parse(id)),
                text -> {
                    if (asked == request) {
                        source.set(text);
                    }
                },
                failure -> {
                    if (asked == request) {
                        source.set("Cannot read message " + id + ": " + BackgroundCall.reason(failure));
                    }
                });
    }

    /** The first {@link #SOURCE_LIMIT} bytes of the message, with a note when there is more. */
    static String sourceOf(ParsedMessage parsed) throws IOException {
        byte[] bytes;
        try (InputStream in = parsed.source().open()) {
            bytes = in.readNBytes(SOURCE_LIMIT);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        long length = parsed.source().length();
        if (length > bytes.length) {
            text += String.format("%n[\u2026 the first %s of %s are shown]%n", Sizes.human(bytes.length),
                    Sizes.human(length));
        }
        return text;
    }

    /** The message shown; a row that is not a message shows nothing. */
    ObjectProperty<MessageSummary> messageProperty() {
        return message;
    }

    ReadOnlyStringProperty sourceProperty() {
        return source.getReadOnlyProperty();
    }
}
