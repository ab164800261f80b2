package org.smtpmonitor.ui;

import java.nio.charset.Charset;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.BodyText;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Part;
import org.smtpmonitor.text.Printable;

/**
 * The message inspector's state: the message shown ({@link Inspected}), its text in the charset
 * chosen, and what the inspector says instead when there is no message to show. Messages are
 * read on {@code background}; when the user moves on before a read is done, only the newest
 * request is shown, and a request that is no longer the newest when its turn comes is not
 * read at all. Attachments are written on {@code actions}, their outcome told to {@code status}.
 */
final class MessageViewModel {

    /**
     * Characters of text shown in a text area. A text area lays out all of its text whenever it
     * changes (about 70 ms for 30,000 characters on a fast machine, seconds for a megabyte), so a
     * longer text is shown as wrapped rows in a virtualised list instead.
     */
    static final int TEXT_AREA_CHARS = 30_000;
    /** Rows a text is wrapped at in that list. */
    static final int TEXT_ROW_CHARS = 160;
    /** Characters of text shown at all; a longer text is cut, with a note (the source has all of it). */
    static final int TEXT_LIMIT = 8_000_000;
    /** The charset choice that means "as the message declares it". */
    static final String AUTO = "Auto";
    static final String NOTHING_SELECTED = "Select a message to see it.";
    /** The charsets offered for mislabelled mail (those this Java knows are offered). */
    private static final List<String> CHARSETS = List.of("UTF-8", "ISO-8859-1", "ISO-8859-2", "ISO-8859-15",
            "windows-1250", "windows-1251", "windows-1252", "KOI8-R", "KOI8-U", "Shift_JIS", "EUC-JP", "ISO-2022-JP",
            "GB18030", "Big5", "EUC-KR", "UTF-16");

    /**
     * The text tab: the text as shown (escaped, perhaps cut), as one string for a text area or,
     * when it is long, as wrapped rows for a list (and then {@code text} is empty); and a note on
     * where it comes from.
     */
    record ShownText(String text, List<String> rows, String note) {
        static final ShownText NONE = new ShownText("", List.of(), "");

        ShownText(String text, String note) {
            this(text, List.of(), note);
        }
    }

    private record Loaded(Inspected inspected, ShownText text) {
    }

    private final MailboxDirectory mail;
    private final Executor background;
    private final Executor actions;
    private final Consumer<String> status;
    /** The newest message asked for; read off the FX thread too, so that stale requests are skipped. */
    private final AtomicLong request = new AtomicLong();
    private final ReadOnlyObjectWrapper<Inspected> inspected = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper(NOTHING_SELECTED);
    private final ReadOnlyObjectWrapper<ShownText> text = new ReadOnlyObjectWrapper<>(ShownText.NONE);
    private final ObjectProperty<String> charset = new SimpleObjectProperty<>(AUTO);
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
    private long shownId;
    private long textRequest;
    private boolean resettingCharset;

    MessageViewModel(MailboxDirectory mail, Executor background, Executor actions, Consumer<String> status) {
        this.mail = mail;
        this.background = background;
        this.actions = actions;
        this.status = status;
        charset.addListener((o, old, chosen) -> {
            if (!resettingCharset) {
                decodeAgain(chosen);
            }
        });
    }

    /** Shows message {@code id} (from the list, or from outside: a delivery in a transcript); 0 shows none. */
    void show(long id) {
        if (id == shownId) {
            return; // the same message, listed again
        }
        long asked = request.incrementAndGet();
        textRequest++;
        shownId = id;
        if (id == 0 || mail == null) {
            apply(null, ShownText.NONE, NOTHING_SELECTED);
            return;
        }
        loading.set(true);
        if (inspected.get() == null) {
            state.set("Reading message " + id + "\u2026");
        }
        BackgroundCall.run(background, () -> asked == request.get() ? load(id) : null,
                loaded -> {
                    if (asked == request.get() && loaded != null) {
                        apply(loaded.inspected(), loaded.text(), "");
                    }
                },
                failure -> {
                    if (asked == request.get()) {
                        apply(null, ShownText.NONE, "Cannot read message " + id + ": "
                                + Printable.escape(BackgroundCall.reason(failure)));
                    }
                });
    }

    /** The message shown, 0 for none. */
    long shownId() {
        return shownId;
    }

    private Loaded load(long id) throws Exception {
        IndexedMessage indexed = mail.message(id).orElseThrow(
                () -> new NoSuchFileException("message " + id, null, "it is no longer stored"));
        ParsedMessage parsed = mail.parse(id);
        return new Loaded(Inspected.of(indexed, parsed), textOf(parsed, null));
    }

    private void apply(Inspected message, ShownText shown, String stateText) {
        loading.set(false);
        resettingCharset = true;
        try {
            charset.set(AUTO); // a charset chosen for one mislabelled message is no guess for the next
        } finally {
            resettingCharset = false;
        }
        inspected.set(message);
        text.set(shown);
        state.set(stateText);
    }

    private void decodeAgain(String chosen) {
        Inspected current = inspected.get();
        if (current == null) {
            return;
        }
        long asked = ++textRequest;
        String name = chosen == null || chosen.equals(AUTO) ? null : chosen;
        BackgroundCall.run(background, () -> textOf(current.parsed(), name),
                shown -> {
                    if (asked == textRequest) {
                        text.set(shown);
                    }
                },
                failure -> {
                    if (asked == textRequest) {
                        text.set(new ShownText("", "Cannot decode the text as " + name + ": "
                                + Printable.escape(BackgroundCall.reason(failure))));
                    }
                });
    }

    /** The text of the message as the text tab shows it; {@code charset} null for the declared one. */
    static ShownText textOf(ParsedMessage parsed, String charset) {
        Optional<BodyText> found = BodyText.of(parsed, charset);
        if (found.isEmpty()) {
            return new ShownText("", "This message has no text or HTML part.");
        }
        BodyText body = found.get();
        String text = body.text();
        String note = (body.fromHtml() ? "Text of the HTML part " : "The text part ") + body.part().path() + ", "
                + body.part().transferEncoding() + ", " + body.charset() + switch (body.how()) {
                    case DECLARED -> " as declared";
                    case CHOSEN -> " as chosen";
                    case GUESSED -> body.part().charset().isEmpty() ? " (guessed: none declared)"
                            : " (guessed: \u201c" + Printable.escape(body.part().charset()) + "\u201d declared)";
                };
        if (text.length() > TEXT_LIMIT) {
            note += String.format(Locale.ROOT, "; the first %,d of %,d characters are shown (Source has all of it)",
                    TEXT_LIMIT, text.length());
            text = text.substring(0, TEXT_LIMIT);
        }
        return text.length() <= TEXT_AREA_CHARS ? new ShownText(DisplayText.lines(text), note)
                : new ShownText("", DisplayText.wrapped(text, TEXT_ROW_CHARS), note);
    }

    /**
     * Copies these rows of the shown message's source (their indices, in any order) to the
     * clipboard: read on the background executor (rows not drawn yet are not in memory), then
     * put on the clipboard on the FX thread, the count told in the status bar.
     */
    void copySource(List<Integer> rows) {
        Inspected message = inspected.get();
        if (message == null || rows.isEmpty()) {
            return;
        }
        int count = rows.size();
        BackgroundCall.run(background, () -> message.source().text(rows.stream().sorted().distinct().toList()), text -> {
            WindowActions.copyText(text);
            status.accept(count == 1 ? "Copied 1 row of the source"
                    : String.format(Locale.ROOT, "Copied %,d rows of the source", count));
        }, failure -> status.accept("Cannot copy the source: " + BackgroundCall.reason(failure)));
    }

    // Attachments: written on the actions executor, the outcome told in the status bar.

    void save(Inspected.AttachmentRow row, Path target) {
        Inspected message = inspected.get();
        if (message == null || target == null) {
            return;
        }
        status.accept("Saving " + row.fileName() + "\u2026");
        BackgroundCall.run(actions, () -> AttachmentFiles.save(message.parsed(), row.part(), target),
                size -> status.accept("Saved " + row.fileName() + " to " + target + " (" + Sizes.human(size) + ")"),
                failure -> status.accept("Cannot save " + row.fileName() + " to " + target + ": "
                        + BackgroundCall.reason(failure)));
    }

    void saveAll(Path folder) {
        Inspected message = inspected.get();
        if (message == null || folder == null || message.attachments().isEmpty()) {
            return;
        }
        List<Part> parts = message.attachments().stream()
                .map(Inspected.AttachmentRow::part).toList();
        status.accept("Saving " + parts.size() + " attachments\u2026");
        BackgroundCall.run(actions, () -> AttachmentFiles.saveAll(message.parsed(), parts, folder),
                written -> status.accept("Saved " + written.size() + (written.size() == 1 ? " attachment" : " attachments")
                        + " in " + folder),
                failure -> status.accept("Cannot save the attachments in " + folder + ": "
                        + BackgroundCall.reason(failure)));
    }

    /** Writes a copy of the attachment under the mailbox directory, then hands it to {@code opener}. */
    void open(Inspected.AttachmentRow row, Consumer<Path> opener) {
        Inspected message = inspected.get();
        if (message == null || mail == null) {
            return;
        }
        BackgroundCall.run(actions, () -> AttachmentFiles.copyToOpen(mail.directory(), message.id(), message.parsed(),
                        row.part()),
                file -> {
                    try {
                        opener.accept(file);
                        status.accept("Opened " + row.fileName() + " (a copy in " + file.getParent() + ")");
                    } catch (RuntimeException e) {
                        status.accept("Cannot open " + file + ": " + BackgroundCall.reason(e));
                    }
                },
                failure -> status.accept("Cannot open " + row.fileName() + ": " + BackgroundCall.reason(failure)));
    }

    ReadOnlyObjectProperty<Inspected> inspectedProperty() {
        return inspected.getReadOnlyProperty();
    }

    /** True while a message is read: the one shown until then stays, dimmed. */
    ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** What the inspector says when it shows no message (none selected, or it cannot be read); empty when it shows one. */
    ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<ShownText> textProperty() {
        return text.getReadOnlyProperty();
    }

    /** {@link #AUTO}, then the charsets offered for mislabelled mail. */
    static List<String> charsetChoices() {
        List<String> choices = new ArrayList<>();
        choices.add(AUTO);
        CHARSETS.stream().filter(Charset::isSupported).forEach(choices::add);
        return choices;
    }

    /** The charset the text is decoded with: {@link #AUTO}, or a charset name the user chose. */
    ObjectProperty<String> charsetProperty() {
        return charset;
    }

    Executor background() {
        return background;
    }
}
