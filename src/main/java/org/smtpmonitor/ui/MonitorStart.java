package org.smtpmonitor.ui;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import org.smtpmonitor.api.ApiServer;
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
 *
 * <p>With {@code --http-port}, the HTTP API starts as in headless mode: made before the
 * monitor, on the same event bus (so it misses no event), bound after it. An API that cannot
 * bind its port does not stop the monitor: the window runs without it and says why.
 */
final class MonitorStart {

    /**
     * What a successful start hands the window.
     *
     * @param api        the running HTTP API, or null when it is off or could not start
     * @param apiProblem why the API asked for could not start, or null
     */
    record Started(Monitor monitor, MailboxDirectory mail, List<MailboxInfo> mailboxes, String mailProblem,
                   ApiServer api, String apiProblem) {
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
        // Made before the start, so that the sessions it holds and the events it streams miss nothing.
        ApiServer api = settings.http().enabled() ? new ApiServer(events, settings.http()) : null;
        Thread thread = new Thread(() -> {
            try {
                Monitor monitor = Monitor.start(usersFile, settings, events,
                        this::fatalError);
                String apiProblem = api == null ? null : startApi(api, monitor, settings);
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
                started.complete(new Started(monitor, mail, mailboxes, problem, apiProblem == null ? api : null,
                        apiProblem));
            } catch (StartupException e) {
                closeQuietly(api);
                started.completeExceptionally(e);
            } catch (RuntimeException e) {
                closeQuietly(api);
                started.completeExceptionally(new StartupException(StartupException.Kind.USERS_FILE, usersFile,
                        usersFile + ": " + e, e));
            }
        }, "monitor-start");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(ApiServer api) {
        if (api != null) {
            api.close();
        }
    }

    /** Binds the API beside the started monitor; answers why it could not, or null. */
    private static String startApi(ApiServer api, Monitor monitor, Settings settings) {
        try {
            api.start(monitor, settings.bindAddress());
            return null;
        } catch (BindException e) {
            // Closed as for any other failure: made before the monitor, it follows the event bus
            // (holding sessions' transcripts) and runs a thread of its own until closed.
            api.close();
            // ApiServer's message names the port and the address.
            return e.getMessage();
        } catch (IOException | RuntimeException e) {
            api.close();
            return "HTTP port " + settings.http().port() + ": " + e.getMessage();
        }
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
        started.thenAccept(s -> {
            if (s.api() != null) {
                s.api().close();
            }
            s.monitor().close();
        });
    }
}
