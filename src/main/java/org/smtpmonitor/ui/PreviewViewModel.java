package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The mailbox preview: the selected mailbox's messages (newest first) and the raw source
 * of the selected one, at most {@link #SOURCE_LIMIT} bytes of it. Every file read runs
 * in a {@link Task} on {@code background}; reloads asked for while one runs are merged.
 */
final class PreviewViewModel {

    static final int SOURCE_LIMIT = 256 * 1024;
    /** A mailbox that keeps receiving mail is listed again at most this often. */
    static final long RELOAD_INTERVAL_NANOS = 300_000_000L;

    private final Function<Path, List<MessageSummary>> rows;
    private final Executor background;
    private final ObjectProperty<MailboxRow> mailbox = new SimpleObjectProperty<>();
    private final ObservableList<MessageSummary> messages = FXCollections.observableArrayList();
    private final ObjectProperty<MessageSummary> selectedMessage = new SimpleObjectProperty<>();
    private final StringProperty source = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("Select a mailbox to see its messages.");
    private final IntegerProperty reloads = new SimpleIntegerProperty();
    private boolean listing;
    private boolean reloadWanted;
    private long lastReload = Long.MIN_VALUE / 2;
    private long sourceRequest;
    private boolean updating;

    PreviewViewModel(Function<Path, List<MessageSummary>> rows, Executor background) {
        this.rows = rows;
        this.background = background;
        mailbox.addListener((o, old, row) -> {
            updating = true;
            messages.clear();
            updating = false;
            selectedMessage.set(null);
            status.set(row == null ? "Select a mailbox to see its messages." : "Reading " + row.address() + "…");
            if (row != null) {
                reloadWanted = true;
                lastReload = Long.MIN_VALUE / 2;
            }
        });
        selectedMessage.addListener((o, old, message) -> readSource(message));
    }

    /** The mailbox changed (a delivery, or the file on disk): list it again soon. */
    void mailboxChanged(MailboxRow row) {
        if (row != null && row == mailbox.get()) {
            reloadWanted = true;
        }
    }

    /** Called once per pulse: starts a wanted reload when none runs and the last is old enough. */
    void pulse(long nowNanos) {
        if (reloadWanted && !listing && nowNanos - lastReload >= RELOAD_INTERVAL_NANOS && mailbox.get() != null) {
            reloadWanted = false;
            lastReload = nowNanos;
            list(mailbox.get());
        }
    }

    private void list(MailboxRow row) {
        listing = true;
        Path file = row.file();
        Task<List<MessageSummary>> task = new Task<>() {
            @Override
            protected List<MessageSummary> call() {
                List<MessageSummary> newestFirst = new ArrayList<>(rows.apply(file));
                Collections.reverse(newestFirst);
                return newestFirst;
            }
        };
        task.setOnSucceeded(e -> {
            listing = false;
            if (mailbox.get() == row) {
                show(row, task.getValue());
            }
        });
        task.setOnFailed(e -> {
            listing = false;
            status.set("Cannot list " + file + ": " + task.getException().getMessage());
        });
        background.execute(task);
    }

    private void show(MailboxRow row, List<MessageSummary> list) {
        updating = true;
        messages.setAll(list);
        updating = false;
        MessageSummary selected = selectedMessage.get();
        if (selected != null && !list.contains(selected)) {
            selectedMessage.set(null);
        }
        long known = list.stream().filter(MessageSummary::known).count();
        status.set(String.format("%s: %,d message%s, %s", row.address(), known, known == 1 ? "" : "s",
                Sizes.human(row.sizeProperty().get())));
        reloads.set(reloads.get() + 1);
    }

    private void readSource(MessageSummary message) {
        long request = ++sourceRequest;
        if (message == null) {
            source.set("");
            return;
        }
        MailboxRow row = mailbox.get();
        if (row == null) {
            return;
        }
        Path file = row.file();
        Task<String> task = new Task<>() {
            @Override
            protected String call() throws IOException {
                return readSource(file, message.offset(), message.length());
            }
        };
        task.setOnSucceeded(e -> {
            if (request == sourceRequest) {
                source.set(task.getValue());
            }
        });
        task.setOnFailed(e -> {
            if (request == sourceRequest) {
                source.set("Cannot read " + file + ": " + task.getException().getMessage());
            }
        });
        background.execute(task);
    }

    /** The first {@link #SOURCE_LIMIT} bytes of a message, with a note when there is more. */
    static String readSource(Path file, long offset, long length) throws IOException {
        int want = (int) Math.min(length, SOURCE_LIMIT);
        ByteBuffer buffer = ByteBuffer.allocate(want);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
                // keep reading until the buffer is full or the file ends
            }
        }
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        if (length > want) {
            text += String.format("%n[… the first %s of %s are shown]%n", Sizes.human(want), Sizes.human(length));
        }
        return text;
    }

    ObjectProperty<MailboxRow> mailboxProperty() {
        return mailbox;
    }

    ObservableList<MessageSummary> messages() {
        return messages;
    }

    ObjectProperty<MessageSummary> selectedMessageProperty() {
        return selectedMessage;
    }

    /** True while the list is being replaced (the table's selection empties then: not the user's doing). */
    boolean isUpdating() {
        return updating;
    }

    StringProperty sourceProperty() {
        return source;
    }

    StringProperty statusProperty() {
        return status;
    }

    /** Counts finished listings, so the view can select the same message again afterwards. */
    IntegerProperty reloadsProperty() {
        return reloads;
    }
}
