package org.smtpmonitor.ui;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.prefs.Preferences;

import javafx.stage.FileChooser;
import javafx.stage.Window;

import org.smtpmonitor.app.AtomicFiles;
import org.smtpmonitor.app.MailboxDirectory;

/**
 * What the window does to stored mail: delete messages, clear a mailbox (after the user
 * confirmed it), export a message as .eml or a mailbox as .mbox, release a message to a real
 * SMTP server ({@link ReleaseDialog}). The work runs on
 * {@code actions} (a delete rewrites a mailbox file, which may take seconds), never on
 * the FX thread; its outcome goes to {@code status}. Where to export is asked through
 * {@code exportChooser} (the owner window and a suggested file name; null to cancel), so
 * tests answer it without a dialog.
 */
final class MailActions {

    /** Writes an export to a stream. */
    @FunctionalInterface
    private interface Export {
        void to(OutputStream out) throws IOException;
    }

    private final MailboxDirectory mail;
    private final Executor actions;
    private final BiFunction<Window, String, Path> exportChooser;
    private final Consumer<String> status;
    private final Supplier<Preferences> releasePreferences;

    /**
     * @param releasePreferences where the Release… form is remembered, asked for off the FX thread
     *                           (null from it for nowhere)
     */
    MailActions(MailboxDirectory mail, Executor actions, BiFunction<Window, String, Path> exportChooser,
                Consumer<String> status, Supplier<Preferences> releasePreferences) {
        this.mail = mail;
        this.actions = actions;
        this.exportChooser = exportChooser;
        this.status = status;
        this.releasePreferences = releasePreferences;
    }

    /** Opens the Release… dialog for one message; it sends off the FX thread and shows the outcome itself. */
    ReleaseDialog release(MessageSummary message, Window owner) {
        if (message == null || !message.isMessage() || mail == null) {
            return null;
        }
        ReleaseDialog dialog = new ReleaseDialog(mail, actions, releasePreferences, message);
        dialog.show(owner);
        return dialog;
    }

    /** Deletes the selected messages (rows that are no message are passed over); then {@code done}. */
    void delete(List<MessageSummary> selected, Runnable done) {
        List<Long> ids = selected.stream().filter(MessageSummary::isMessage).map(MessageSummary::id).toList();
        if (ids.isEmpty() || mail == null) {
            return;
        }
        status.accept(ids.size() == 1 ? "Deleting 1 message\u2026" : String.format(Locale.ROOT,
                "Deleting %,d messages\u2026", ids.size()));
        BackgroundCall.run(actions, () -> mail.delete(ids),
                deleted -> {
                    status.accept(deleted == 1 ? "Deleted 1 message" : String.format(Locale.ROOT,
                            "Deleted %,d messages", deleted));
                    done.run();
                },
                failure -> {
                    status.accept("Cannot delete: " + BackgroundCall.reason(failure));
                    done.run();
                });
    }

    /** Asks whether to delete every message of {@code mailbox}; if the user agrees, does it, then {@code done}. */
    void clear(MailboxRow mailbox, Window owner, Runnable done) {
        if (mailbox == null || mail == null) {
            return;
        }
        String address = mailbox.address();
        long messages = mailbox.messagesProperty().get();
        long unindexed = mailbox.unindexedBytesProperty().get();
        ClearMailboxDialog.show(owner, address, messages, unindexed, confirmed -> {
            if (!confirmed) {
                return;
            }
            status.accept("Clearing " + address + "\u2026");
            BackgroundCall.run(actions, () -> mail.clear(address),
                    deleted -> {
                        status.accept(String.format(Locale.ROOT, "Cleared %s: %,d message%s deleted", address,
                                deleted, deleted == 1 ? "" : "s"));
                        done.run();
                    },
                    failure -> {
                        status.accept("Cannot clear " + address + ": " + BackgroundCall.reason(failure));
                        done.run();
                    });
        });
    }

    /** Saves one message as it was sent, as an .eml file where the user says. */
    void exportMessage(MessageSummary message, Window owner) {
        if (message == null || !message.isMessage() || mail == null) {
            return;
        }
        export(owner, "message-" + message.id() + ".eml", "message " + message.id(),
                out -> mail.export(message.id(), out));
    }

    /** Saves a mailbox's indexed messages, oldest first, as an mbox (mboxrd) file where the user says. */
    void exportMailbox(MailboxRow mailbox, Window owner) {
        if (mailbox == null || mail == null) {
            return;
        }
        export(owner, mailbox.address() + ".mbox", mailbox.address(), out -> mail.exportMailbox(mailbox.address(), out));
    }

    private void export(Window owner, String suggestedName, String what, Export export) {
        Path target = exportChooser.apply(owner, suggestedName);
        if (target == null) {
            return;
        }
        status.accept("Exporting " + what + "\u2026");
        BackgroundCall.run(actions, () -> AtomicFiles.write(target, export::to),
                size -> status.accept("Exported " + what + " to " + target + " (" + Sizes.human(size) + ")"),
                failure -> status.accept("Cannot export " + what + " to " + target + ": "
                        + BackgroundCall.reason(failure)));
    }

    /** Where to export, asked of the real user: .eml or .mbox after the suggested name. */
    static Path chooseExportFile(Window owner, String suggestedName) {
        FileChooser chooser = new FileChooser();
        boolean mbox = suggestedName.endsWith(".mbox");
        chooser.setTitle(mbox ? "Export mailbox" : "Export message");
        chooser.getExtensionFilters().add(mbox ? new FileChooser.ExtensionFilter("mbox files", "*.mbox")
                : new FileChooser.ExtensionFilter("Email messages", "*.eml"));
        chooser.setInitialFileName(suggestedName);
        chooser.setInitialDirectory(Path.of("").toAbsolutePath().toFile());
        File file = chooser.showSaveDialog(owner);
        return file == null ? null : file.toPath();
    }
}
