package org.smtpmonitor.app;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.MailboxAdded;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.UsersFileChanged;
import org.smtpmonitor.mailbox.MailboxStore;
import org.smtpmonitor.mailbox.Recipients;
import org.smtpmonitor.mailbox.User;
import org.smtpmonitor.mailbox.UsersFile;
import org.smtpmonitor.mailbox.UsersFileException;
import org.smtpmonitor.server.FatalErrorListener;
import org.smtpmonitor.server.ImplicitTlsBindException;
import org.smtpmonitor.server.SmtpServer;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.RulesException;
import org.smtpmonitor.server.TlsConfig;
import org.smtpmonitor.tls.TlsFileException;

/**
 * A running smtp-monitor: the users of one users file, their mailboxes and the server
 * that delivers into them. Both the headless mode and the window start one.
 *
 * <p>The users file is watched ({@link UsersFileWatcher}) and read again after each edit,
 * and at each {@link #startServer()}: see {@link #reloadUsers()}. A mailbox made meanwhile
 * (a new user, a catch-all's new address) is published as {@link MailboxAdded}.
 */
public final class Monitor implements AutoCloseable {

    private final Path usersFile;
    private final Settings settings;
    private final MailboxStore store;
    private final SmtpServer server;
    private final TlsCertificate certificate;
    private final ScriptedFailures rules;
    private final EventBus events;
    private final UsersFileWatcher watcher;
    /** The last reload failed, so the next that applies is told even if nothing changed: the problem is gone. */
    private boolean lastReloadFailed;

    private Monitor(Path usersFile, Settings settings, MailboxStore store, SmtpServer server,
                    TlsCertificate certificate, ScriptedFailures rules, EventBus events, UsersFileWatcher watcher) {
        this.rules = rules;
        this.usersFile = usersFile;
        this.settings = settings;
        this.store = store;
        this.server = server;
        this.certificate = certificate;
        this.events = events;
        this.watcher = watcher;
    }

    /** As {@link #start(Path, Settings, EventBus, FatalErrorListener)}, for a caller that learns of a failure from the events alone. */
    public static Monitor start(Path usersFile, Settings settings, EventBus events) throws StartupException {
        return start(usersFile, settings, events, (message, cause) -> { });
    }

    /**
     * Reads the users file, creates missing mailboxes and starts the server. Nothing is
     * left running when it fails.
     *
     * @param fatalErrors told when the server failed while running (and has stopped): the
     *                    program should then report it and exit
     */
    public static Monitor start(Path usersFile, Settings settings, EventBus events, FatalErrorListener fatalErrors)
            throws StartupException {
        return start(usersFile, settings, events, fatalErrors, true);
    }

    /**
     * As {@link #start(Path, Settings, EventBus, FatalErrorListener)}; without {@code watchUsersFile}
     * the file is read again only by {@link #startServer()} and {@link #reloadUsers()}: for a
     * test of those alone.
     */
    static Monitor start(Path usersFile, Settings settings, EventBus events, FatalErrorListener fatalErrors,
                         boolean watchUsersFile) throws StartupException {
        // Watched before it is read, so that an edit made while the monitor starts is not missed:
        // it is applied once the monitor is there.
        AtomicReference<Monitor> started = new AtomicReference<>();
        AtomicBoolean editedEarly = new AtomicBoolean();
        UsersFileWatcher watcher = !watchUsersFile ? null : UsersFileWatcher.start(usersFile, () -> {
            Monitor monitor = started.get();
            if (monitor != null) {
                monitor.reloadUsers();
            } else {
                editedEarly.set(true);
            }
        });
        try {
            Monitor monitor = start(usersFile, settings, events, fatalErrors, watcher);
            started.set(monitor);
            if (editedEarly.get()) {
                monitor.reloadUsers();
            }
            return monitor;
        } catch (StartupException | RuntimeException | Error e) {
            if (watcher != null) {
                watcher.close();
            }
            throw e;
        }
    }

    private static Monitor start(Path usersFile, Settings settings, EventBus events, FatalErrorListener fatalErrors,
                                 UsersFileWatcher watcher) throws StartupException {
        Recipients recipients;
        try {
            recipients = read(usersFile, settings);
        } catch (UsersFileException e) {
            throw new StartupException(StartupException.Kind.USERS_FILE, usersFile, e.getMessage(), e);
        }
        List<User> users = recipients.users();
        ScriptedFailures rules = ScriptedFailures.none();
        if (settings.rulesFile() != null) {
            try {
                rules = ScriptedFailures.load(settings.rulesFile());
            } catch (RulesException e) {
                throw new StartupException(StartupException.Kind.RULES_FILE, usersFile, e.getMessage(), e);
            }
        }
        // What the store finds wrong and repairs (a message cut short by a crash) is told
        // like any other problem: in the console log and the window's status line.
        MailboxStore store = new MailboxStore(settings.mailboxDirectory().toAbsolutePath().normalize(),
                settings.format(), recipients, settings.defaultDomain(),
                problem -> events.publish(new ServerError(0, problem, Instant.now())));
        store.addMailboxListener(address -> events.publish(new MailboxAdded(address, Instant.now())));
        try {
            store.createMailboxes();
        } catch (IOException e) {
            throw new StartupException(StartupException.Kind.MAILBOX_DIRECTORY, usersFile, e.getMessage(), e);
        }
        // The certificate and its TLS context (a third of a second, most of it loading classes)
        // are made while the index opens, on a thread of their own; in the locked directory,
        // so that two servers never make two certificates at once.
        FutureTask<TlsSetup> tlsSetup = new FutureTask<>(() -> TlsSetup.of(settings, store.directory(), usersFile));
        Thread tlsThread = new Thread(tlsSetup, "tls-setup");
        tlsThread.setDaemon(true);
        tlsThread.start();
        try {
            if (settings.index()) {
                store.openIndex();
            }
        } catch (IOException e) {
            // The index is derived data: without it mail is still delivered and kept.
            events.publish(new ServerError(0, e.getMessage() + "; mail is delivered as usual, but not indexed",
                    Instant.now()));
        }
        TlsSetup tls;
        try {
            tls = tlsSetup.get();
        } catch (ExecutionException e) {
            store.close();
            if (e.getCause() instanceof StartupException startup) {
                throw startup;
            }
            throw new StartupException(StartupException.Kind.TLS, usersFile, "cannot set up TLS: " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            store.close();
            Thread.currentThread().interrupt();
            throw new StartupException(StartupException.Kind.TLS, usersFile, "interrupted while setting up TLS", e);
        }
        // The greeting names the first user's domain; a file of catch-all lines alone, the first of those.
        String serverDomain = !users.isEmpty() ? users.get(0).domain()
                : recipients.catchAll().domains().stream().findFirst().orElse(settings.defaultDomain());
        SmtpServer server = new SmtpServer(settings.serverConfig(serverDomain, tls.config()), store, events,
                fatalErrors, rules.book());
        try {
            server.start();
        } catch (ImplicitTlsBindException e) {
            store.close();
            throw new StartupException(StartupException.Kind.PORT, usersFile, "cannot listen on "
                    + settings.bindAddress().getHostAddress() + ":" + e.port() + " (--tls-port): "
                    + (String.valueOf(e.getCause().getMessage()).contains("in use") ? "the port is already in use"
                    : e.getCause().getMessage()), e);
        } catch (BindException e) {
            store.close();
            throw new StartupException(StartupException.Kind.PORT, usersFile, "cannot listen on "
                    + settings.bindAddress().getHostAddress() + ":" + settings.port() + ": "
                    + (String.valueOf(e.getMessage()).contains("in use") ? "the port is already in use" : e.getMessage()), e);
        } catch (IOException e) {
            store.close();
            throw new StartupException(StartupException.Kind.PORT, usersFile, "cannot listen on "
                    + settings.bindAddress().getHostAddress() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return new Monitor(usersFile, settings, store, server, tls.certificate(), rules, events, watcher);
    }

    /**
     * The users file's users and catch-all ({@code --catch-all} added), refused as a bad
     * line would be when {@code --auth users} is asked for and no user has a password.
     */
    private static Recipients read(Path usersFile, Settings settings) throws UsersFileException {
        Recipients recipients = UsersFile.read(usersFile, settings.defaultDomain());
        if (settings.auth().mode() == AuthMode.USERS
                && recipients.users().stream().allMatch(user -> user.password() == null)) {
            // Nobody could ever authenticate: surely not what was meant.
            throw new UsersFileException(usersFile, 0, "--auth users, but no user has a password: write it after"
                    + " the address, as in 'alice@example.com s3cret'");
        }
        return settings.catchAll() ? recipients.withCatchAll(recipients.catchAll().everywhere()) : recipients;
    }

    /**
     * Reads the users file again and applies it (see {@link MailboxStore#apply}): new users
     * get their mailboxes now, removed users {@code 550} for new mail (their files and mail
     * stay), passwords and catch-all lines follow the file. A file that does not parse, or a
     * new user whose mailbox cannot be made, leaves the previous list in force. Either way a
     * {@link UsersFileChanged} tells what happened ({@code file:line: reason} for a problem),
     * unless the file was read again unchanged. Called by the file's watcher after an edit,
     * and by {@link #startServer()}.
     *
     * @return whether the file applied
     */
    public synchronized boolean reloadUsers() {
        MailboxStore.ListChange change;
        try {
            change = store.apply(usersFile, read(usersFile, settings));
        } catch (UsersFileException e) {
            events.publish(new UsersFileChanged(usersFile, List.of(), List.of(), e.getMessage(), Instant.now()));
            lastReloadFailed = true;
            return false;
        }
        if (change.changed() || lastReloadFailed) {
            events.publish(new UsersFileChanged(usersFile, change.added(), change.removed(), null, Instant.now()));
        }
        lastReloadFailed = false;
        return true;
    }

    /**
     * The addresses the users file in force lists, in its order (catch-all lines aside). A
     * mailbox of {@link MailboxDirectory#mailboxes()} whose address is not here (and that
     * {@link #accepts} refuses) belongs to a user since removed: its mail is kept, new mail refused.
     */
    public List<String> currentUsers() {
        return store.currentUsers().stream().map(User::address).toList();
    }

    /** Whether a {@code RCPT TO} for {@code address} would be accepted now (a listed user, or a catch-all's). */
    public boolean accepts(String address) {
        return store.findUser(address) != null;
    }

    /** The server's certificate and what the server makes its TLS engines from. */
    private record TlsSetup(TlsCertificate certificate, TlsConfig config) {

        /** Every failure is a {@link StartupException} of kind TLS that names the file or says why. */
        static TlsSetup of(Settings settings, Path directory, Path usersFile) throws StartupException {
            try {
                TlsCertificate certificate = TlsCertificate.load(settings.tls(), directory, settings.defaultDomain(),
                        Instant.now());
                return new TlsSetup(certificate, new TlsConfig(certificate.credentials().sslContext(),
                        settings.tls().implicitPort(), certificate.origin(), certificate.credentials().fingerprint()));
            } catch (TlsFileException e) {
                throw new StartupException(StartupException.Kind.TLS, usersFile, e.getMessage(), e);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new StartupException(StartupException.Kind.TLS, usersFile, "cannot set up TLS: " + e.getMessage(),
                        e);
            }
        }
    }

    public Path usersFile() {
        return usersFile;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The scripted failures ({@code --rules FILE}): their text, state and live changes, for
     * the window's editor. Without a rules file there are none, but rules applied here work
     * all the same (and {@link ScriptedFailures#saveTo} gives them a file).
     */
    public ScriptedFailures rules() {
        return rules;
    }

    /**
     * The stored mail: mailboxes and their counts, pages of messages, search, a message's
     * model, export, delete and clear.
     *
     * @throws IOException when the message index could not be opened at start (mail is
     *                     still delivered, but cannot be listed)
     */
    public MailboxDirectory mail() throws IOException {
        return MailboxDirectory.of(store, store.index().orElseThrow(() -> new IOException(settings.index()
                ? "the message index in " + store.directory() + " could not be opened; see the log"
                : "the message index is off (--no-index): mail is stored, but cannot be listed")));
    }

    /**
     * Tells {@code listener} the addresses of the mailboxes whose stored messages changed
     * (added, summarized, deleted), from a thread of the store's, each time the index commits.
     */
    public void onMailChanged(Consumer<Set<String>> listener) {
        store.addIndexListener(listener);
    }

    public Path mailboxDirectory() {
        return store.directory();
    }

    /** The mailboxes' format, {@code raw} or {@code mbox}. */
    public String format() {
        return store.format().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The SHA-256 fingerprint of the server's TLS certificate, as {@code openssl x509
     * -fingerprint -sha256} prints it ({@code AB:CD:...}), for clients to pin.
     */
    public String tlsFingerprint() {
        return certificate.credentials().fingerprint();
    }

    /** Where the TLS certificate comes from, in words (such as {@code self-signed for localhost, kept in .smtp-monitor/tls}). */
    public String tlsCertificate() {
        return certificate.origin();
    }

    /** The TLS certificate as a user checks it: fingerprint, subject, validity, origin. */
    public TlsCertificate.Summary tlsCertificateSummary() {
        return certificate.summary();
    }

    /** Where the server takes SMTP connections: the bound port even when {@code --port 0} asked for any. */
    public InetSocketAddress smtpAddress() {
        return server.address();
    }

    /** Where the server takes implicit-TLS connections, or null when it does not ({@code --tls-port}). */
    public InetSocketAddress tlsAddress() {
        return server.tlsAddress();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /**
     * Starts the server again after {@link #stopServer()}, having read the users file again
     * ({@link #reloadUsers()}: a file that does not parse keeps the previous list, and says why).
     */
    public void startServer() throws IOException {
        reloadUsers();
        server.start();
    }

    /** Stops the server (clients get 421), waiting for deliveries under way; the mail stays readable. */
    public void stopServer() {
        server.stop();
    }

    /** For tests and the benchmark: the store itself. */
    public MailboxStore store() {
        return store;
    }

    /** For tests and the benchmark: the server itself. */
    public SmtpServer server() {
        return server;
    }

    /** Stops the server cleanly (see {@link SmtpServer#stop()}), then closes the mailboxes. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        server.stop();
        store.close();
    }
}
