package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.MailboxDirectory.MailboxInfo;
import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.app.StartupException;
import org.smtpmonitor.event.EventBus;

/**
 * A monitor starting on a thread of its own ({@code monitor-start}): reading the users
 * file, creating mailboxes, binding the port and counting the stored mail are I/O, never
 * for the FX thread. It may begin before the JavaFX toolkit is up, so that the two start
 * side by side: the window then shows its mailbox counts as soon as it can be drawn.
 */
final class MonitorStart {

    /** What a successful start hands the window. */
    record Started(Monitor monitor, MailboxDirectory mail, List<MailboxInfo> mailboxes, String mailProblem) {
    }

    final EventInbox inbox = new EventInbox();
    final AutoCloseable subscription;
    /** Completes with the started monitor, or exceptionally with a {@link StartupException}. */
    final CompletableFuture<Started> started = new CompletableFuture<>();
    /** Where a failure of the running server goes; until there is one, the failure waits in {@link #fatal}. */
    private BiConsumer<String, Throwable> fatalErrors;
    private Object[] fatal;

    private MonitorStart(Path usersFile, Settings settings) {
        EventBus events = new EventBus();
        // Subscribed before the start, so what the start itself reports (a repaired mailbox) reaches the window.
        subscription = events.subscribe(inbox);
        Thread thread = new Thread(() -> {
            try {
                Monitor monitor = Monitor.start(usersFile, settings, events,
                        this::fatalError);
                // Listening first, so no change made while the mailboxes are counted is missed.
                monitor.onMailChanged(inbox::mailChanged);
                MailboxDirectory mail = null;
                List<MailboxInfo> mailboxes = List.of();
                String problem = null;
                try {
                    mail = monitor.mail();
                    mailboxes = mail.mailboxes();
                } catch (IOException e) {
                    problem = e.getMessage();
                }
                started.complete(new Started(monitor, mail, mailboxes, problem));
            } catch (StartupException e) {
                started.completeExceptionally(e);
            } catch (RuntimeException e) {
                started.completeExceptionally(new StartupException(StartupException.Kind.USERS_FILE, usersFile,
                        usersFile + ": " + e, e));
            }
        }, "monitor-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** Begins starting a monitor on {@code usersFile}; callable from any thread. */
    static MonitorStart begin(Path usersFile, Settings settings) {
        return new MonitorStart(usersFile, settings);
    }

    /**
     * Where a failure of the running server goes (on a thread of the server's): set once the
     * window can show it, and told at once of one that came before.
     */
    void onFatalError(BiConsumer<String, Throwable> listener) {
        Object[] before;
        synchronized (this) {
            fatalErrors = listener;
            before = fatal;
        }
        if (before != null) {
            listener.accept((String) before[0], (Throwable) before[1]);
        }
    }

    private void fatalError(String message, Throwable cause) {
        BiConsumer<String, Throwable> listener;
        synchronized (this) {
            listener = fatalErrors;
            if (listener == null) {
                fatal = new Object[] {message, cause};
                return;
            }
        }
        listener.accept(message, cause);
    }

    /** Stops what started, for a program that cannot show it after all (no display). */
    void abandon() {
        started.thenAccept(s -> s.monitor().close());
    }
}
