package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.net.IDN;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.text.Ascii;

/**
 * The mailbox files: one per user, {@code <address>.txt} in one directory.
 *
 * <p>Who is accepted can change while the server runs ({@link #apply}, from a users file
 * edited meanwhile), and a catch-all ({@link CatchAll}) accepts addresses no file lists. The
 * mailboxes only ever grow while the store is open: a new user's file is made when the
 * list is applied, a caught address's on its first delivery (see {@link #append}), with
 * the same care as at start (never through a link, a regular file only, the directory
 * synced after), and each joins the index. A user taken off the list gets no new mail, but
 * keeps its file, its index rows and its place in {@link #users()}; a recipient accepted
 * before is still delivered. Mailboxes are found by address ignoring case, so two spellings
 * that differ only in case are one mailbox, named by the first spelling seen.
 *
 * <p>After a restart with a catch-all on, the mailboxes an earlier run made for caught
 * addresses are found again: every {@code <address>.txt} in the directory whose name is an
 * address the catch-all accepts (and that {@link User#mailboxFileName} gives back that
 * name), and every mailbox of the index whose address the catch-all accepts and whose file
 * is there (which also finds a long address whose file name is shortened and hashed).
 *
 * <p>A message is appended to every recipient's file with all of them locked (in one
 * order, so two deliveries never deadlock), and each file is forced to disk before
 * {@link #deliver} returns. If any write fails, every file is cut back to its length
 * before, so no mailbox keeps part of a message, or a message the client was told had
 * failed. If the sync fails, what it was to cover is cut back from that file (see
 * {@link Mailbox#syncThrough}); another recipient's file, already synced, keeps its copy.
 */
public final class MailboxStore implements MessageStore, AutoCloseable {

    private final Path directory;
    private final MailboxFormat format;
    private final String defaultDomain;
    /** Who is accepted now; replaced whole by {@link #apply}, read without a lock by deliveries. */
    private volatile Accepted accepted;
    /** Every mailbox, by its address in lower case (see {@link #key}). */
    private final Map<String, Mailbox> mailboxesByKey = new ConcurrentHashMap<>();
    /** Every mailbox, by its address as spelt: the index and the copies name mailboxes so. */
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    /** Every mailbox in the order it was added: the users file's first. */
    private final List<Mailbox> order = new CopyOnWriteArrayList<>();
    /** Held while mailboxes are added (rare), never by a delivery to a mailbox that exists. */
    private final Object adding = new Object();
    /** Held while a list is applied: one at a time. */
    private final Object applying = new Object();
    private final List<Consumer<String>> mailboxListeners = new CopyOnWriteArrayList<>();
    /** A catch-all has been on since the store was made, so a recipient may have no mailbox yet. */
    private volatile boolean caughtEver;
    private final Disk disk;
    private final Consumer<String> problems;
    private final Map<String, Long> unindexed = new ConcurrentHashMap<>();
    private volatile MessageIndex index;
    private volatile IndexWriter indexWriter;
    private volatile MailboxRewriter rewriter;
    /** Held from {@link #createMailboxes} to {@link #close}: this store alone writes the directory. */
    private DirectoryLock lock;
    private final List<Consumer<Set<String>>> indexListeners = new CopyOnWriteArrayList<>();

    /**
     * @param defaultDomain the domain given to a recipient written without one, as in
     *                      {@code RCPT TO:<alice>}
     */
    public MailboxStore(Path directory, MailboxFormat format, List<User> users, String defaultDomain) {
        this(directory, format, users, defaultDomain, MailboxStore::log);
    }

    /**
     * @param problems told what was found wrong and repaired in a mailbox, such as the
     *                 tail of a message cut short by a crash, in a sentence for the log
     */
    public MailboxStore(Path directory, MailboxFormat format, List<User> users, String defaultDomain,
                        Consumer<String> problems) {
        this(directory, format, users, defaultDomain, Disk.FDATASYNC, problems);
    }

    /** With a {@code disk} of the test's choosing, to see what a failing or full disk does. */
    MailboxStore(Path directory, MailboxFormat format, List<User> users, String defaultDomain, Disk disk) {
        this(directory, format, users, defaultDomain, disk, MailboxStore::log);
    }

    MailboxStore(Path directory, MailboxFormat format, List<User> users, String defaultDomain, Disk disk,
                 Consumer<String> problems) {
        this(directory, format, Recipients.of(users), defaultDomain, disk, problems);
    }

    /**
     * A store for the users of {@code recipients}, and the addresses its catch-all accepts.
     *
     * @param problems told what was found wrong and repaired in a mailbox, in a sentence for the log
     */
    public MailboxStore(Path directory, MailboxFormat format, Recipients recipients, String defaultDomain,
                        Consumer<String> problems) {
        this(directory, format, recipients, defaultDomain, Disk.FDATASYNC, problems);
    }

    MailboxStore(Path directory, MailboxFormat format, Recipients recipients, String defaultDomain, Disk disk,
                 Consumer<String> problems) {
        this.directory = directory;
        this.format = format;
        this.defaultDomain = defaultDomain;
        this.disk = disk;
        this.problems = problems;
        this.accepted = Accepted.of(recipients);
        this.caughtEver = recipients.catchAll().isOn();
        for (User user : recipients.users()) {
            register(user);
        }
    }

    /** Who is accepted: the listed users by {@link #key}, in the file's order, and the catch-all. */
    private record Accepted(Map<String, User> users, List<User> listed, CatchAll catchAll) {
        static Accepted of(Recipients recipients) {
            Map<String, User> users = new HashMap<>();
            for (User user : recipients.users()) {
                users.putIfAbsent(key(user.address()), user);
            }
            return new Accepted(Map.copyOf(users), recipients.users(), recipients.catchAll());
        }
    }

    /** The key a mailbox is found by: the address composed (NFC) and in lower case. */
    static String key(String address) {
        String composed = Ascii.isAscii(address) ? address : Normalizer.normalize(address, Normalizer.Form.NFC);
        return composed.toLowerCase(Locale.ROOT);
    }

    /** Adds a mailbox for {@code user} unless one has its key; returns it, or null when one had. */
    private Mailbox register(User user) {
        Mailbox mailbox = new Mailbox(user, directory.resolve(user.mailboxFileName()), format, disk, problems);
        if (mailboxesByKey.putIfAbsent(key(user.address()), mailbox) != null) {
            return null;
        }
        mailboxes.put(user.address(), mailbox);
        order.add(mailbox);
        return mailbox;
    }

    private static void log(String problem) {
        System.getLogger(MailboxStore.class.getName()).log(System.Logger.Level.WARNING, problem);
    }

    /** How long a store waits for the directory's lock: a command line holds it for a moment. */
    public static final Duration LOCK_PATIENCE = Duration.ofSeconds(5);

    /** As {@link #createMailboxes(Duration)}, waiting {@link #LOCK_PATIENCE} for the directory's lock. */
    public void createMailboxes() throws IOException {
        createMailboxes(LOCK_PATIENCE);
    }

    /**
     * Takes the directory for this store alone ({@link DirectoryLock}), and creates it and
     * an empty mailbox file for each user that has none; an existing file is left as it is,
     * but for the tail of a message that a crash cut short, which is moved to
     * {@code <mailbox>.torn} (see {@link TornTail}), and a rewrite's temporary file that a
     * crash left. When it fails, what it created is removed again.
     *
     * @param patience how long to wait while another process holds the directory
     * @throws DirectoryInUseException when another server (or command line) still holds it
     * @throws IOException with a message that names the directory or file and the reason
     */
    public void createMailboxes(Duration patience) throws IOException {
        Path missing = directory;
        while (missing.getParent() != null && !Files.exists(missing.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            missing = missing.getParent();
        }
        boolean madeDirectory = !Files.exists(directory, LinkOption.NOFOLLOW_LINKS);
        try {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("mailbox directory " + directory + " is a file, not a directory");
        } catch (IOException e) {
            throw new IOException("cannot create mailbox directory " + directory + ": " + reason(e));
        }
        List<Path> created = new ArrayList<>();
        Path state = directory.resolve(AppendJournal.DIRECTORY);
        boolean madeState = !Files.exists(state, LinkOption.NOFOLLOW_LINKS);
        try {
            if (!Files.isWritable(directory)) {
                throw new IOException("mailbox directory " + directory + " is not writable");
            }
            if (lock == null) {
                try {
                    lock = DirectoryLock.take(directory, patience);
                } catch (DirectoryInUseException e) {
                    throw e;
                } catch (IOException e) {
                    throw new IOException("cannot lock the mailbox directory " + directory + ": " + reason(e));
                }
            }
            for (User user : caught(accepted.catchAll(), null)) {
                register(user);
            }
            for (Mailbox mailbox : order) {
                Files.deleteIfExists(MailboxRewriter.temporaryFile(mailbox.file));
            }
            for (Mailbox mailbox : order) {
                if (createMailbox(mailbox.file)) {
                    created.add(mailbox.file);
                }
            }
            if (!created.isEmpty()) {
                disk.syncDirectory(directory);
            }
            if (madeDirectory) {
                disk.syncDirectory(missing.getParent() == null ? missing : missing.getParent());
            }
            for (Mailbox mailbox : order) {
                try {
                    mailbox.repairTail();
                } catch (IOException e) {
                    throw new IOException("cannot check the end of mailbox " + mailbox.file + ": " + reason(e));
                }
            }
        } catch (IOException | RuntimeException e) {
            releaseLock();
            if (madeState) {
                created.add(state.resolve(DirectoryLock.FILE));
                created.add(state);
            }
            removeQuietly(created, madeDirectory ? missing : null);
            throw e;
        }
    }

    private void releaseLock() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /**
     * Lets go of the directory's lock as the death of the process would, and nothing else:
     * for a test that plays a crash and starts a store again on the same directory.
     */
    void abandonLock() {
        releaseLock();
    }

    /** Creates the mailbox {@code file} unless it exists; returns whether it did. */
    private static boolean createMailbox(Path file) throws IOException {
        try {
            Files.createFile(file);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isSymbolicLink(file)) {
                throw new IOException("mailbox " + file + " is a symbolic link: smtp-monitor does not write through"
                        + " links, which could lead outside the mailbox directory; replace it with the file itself");
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("mailbox " + file + " is not a regular file");
            }
            if (!Files.isWritable(file)) {
                throw new IOException("mailbox " + file + " is not writable");
            }
            return false;
        } catch (IOException e) {
            throw new IOException("cannot create mailbox " + file + ": " + reason(e));
        }
    }

    /** Removes the empty mailboxes (and the lock) a failed start created, and the directories it made. */
    private static void removeQuietly(List<Path> created, Path madeDirectory) {
        try {
            for (Path file : created) {
                Files.deleteIfExists(file);
            }
            if (madeDirectory != null) {
                List<Path> made;
                try (var paths = Files.walk(madeDirectory)) {
                    made = paths.sorted(Comparator.reverseOrder()).toList();
                }
                for (Path path : made) {
                    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        } catch (IOException ignored) {
            // A directory that is not empty, or not ours to remove, stays.
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        // A FileSystemException's message repeats the path the caller has named already.
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    public Path directory() {
        return directory;
    }

    public MailboxFormat format() {
        return format;
    }

    /**
     * The user of every mailbox: those of the users file at start in its order, then the
     * mailboxes added since (new users, caught addresses) in the order they were made. A user
     * since taken off the list is still here: its mail is kept (see {@link #currentUsers()}).
     */
    public List<User> users() {
        List<User> users = new ArrayList<>(order.size());
        for (Mailbox mailbox : order) {
            users.add(mailbox.user);
        }
        return users;
    }

    /** The users the list applied last names (at start, or by {@link #apply}), in its order. */
    public List<User> currentUsers() {
        return accepted.listed();
    }

    /** The catch-all applied now. */
    public CatchAll catchAll() {
        return accepted.catchAll();
    }

    /** The mailbox file of the user with this address (as the users file spells it, or in any case). */
    public Path mailboxFile(String address) {
        Mailbox mailbox = mailboxes.get(address);
        if (mailbox == null) {
            mailbox = mailboxesByKey.get(key(address));
        }
        if (mailbox == null) {
            throw new IllegalArgumentException("no user " + address);
        }
        return mailbox.file;
    }

    /**
     * Tells {@code listener} the address of each mailbox made while the store is open (a
     * caught address's first delivery, a user added to the list), once its file exists, on
     * the thread that made it (a server's event loop, or the one applying the list).
     */
    public void addMailboxListener(Consumer<String> listener) {
        mailboxListeners.add(listener);
    }

    /**
     * {@inheritDoc} A UTF-8 address is compared in composed form (NFC), as the users file is
     * read, and a domain in Unicode (U-labels) as its ASCII form ({@code xn--}), as the users
     * file writes it. A listed user comes first; else an address the catch-all accepts, if
     * it passes every check a users file's address does (so that it can be a file name), is
     * spelt as its mailbox is, or, for a new one, as given with the domain in lower case.
     */
    @Override
    public String findUser(String address) {
        String canonical = canonical(address);
        if (canonical == null) {
            return null;
        }
        String key = canonical.toLowerCase(Locale.ROOT);
        Accepted now = accepted;
        User user = now.users().get(key);
        Mailbox mailbox = mailboxesByKey.get(key);
        if (user != null) {
            return mailbox != null ? mailbox.user.address() : user.address();
        }
        // The domain is ASCII by now; the name's lower case may not be as long as the name.
        int at = canonical.lastIndexOf('@');
        String domain = canonical.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!now.catchAll().accepts(domain)) {
            return null;
        }
        if (mailbox != null) {
            return mailbox.user.address();
        }
        String spelled = canonical.substring(0, at + 1) + domain;
        return UsersFile.checkAddress(spelled, spelled) == null ? spelled : null;
    }

    @Override
    public String passwordOf(String user) {
        String canonical = canonical(user);
        User found = canonical == null ? null : accepted.users().get(canonical.toLowerCase(Locale.ROOT));
        return found == null ? null : found.password();
    }

    /**
     * {@code address} composed (NFC), with the default domain when it has none, and its domain
     * in ASCII ({@code xn--} labels); null when the domain cannot be written so.
     */
    private String canonical(String address) {
        // Composing costs nothing for ASCII, by far the most common.
        String composed = Ascii.isAscii(address) ? address : Normalizer.normalize(address, Normalizer.Form.NFC);
        if (composed.indexOf('@') < 0) {
            composed = composed + "@" + defaultDomain;
        }
        int at = composed.lastIndexOf('@');
        String domain = composed.substring(at + 1);
        if (Ascii.isAscii(domain)) {
            return composed;
        }
        try {
            return composed.substring(0, at + 1) + IDN.toASCII(domain);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public Pending append(Envelope envelope, byte[] data, int length) throws IOException {
        List<Mailbox> targets = new ArrayList<>(envelope.recipients().size());
        List<String> missing = null;
        for (String recipient : envelope.recipients()) {
            Mailbox mailbox = mailbox(recipient);
            if (mailbox == null) {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(recipient);
            } else if (!targets.contains(mailbox)) {
                targets.add(mailbox);
            }
        }
        if (missing != null) {
            for (Mailbox mailbox : addMailboxes(missing)) {
                if (!targets.contains(mailbox)) {
                    targets.add(mailbox);
                }
            }
        }
        targets.sort(Comparator.comparing(m -> m.user.address()));
        Instant received = Instant.now();
        FramedMessage content = format.frame(envelope.sender(), received, data, length);
        List<StoredCopy> copies = new ArrayList<>(targets.size());
        Map<String, RewriteHistory.FileVersion> files = new HashMap<>();
        long[] sequences = new long[targets.size()];
        for (Mailbox mailbox : targets) {
            mailbox.appendLock.lock();
        }
        try {
            for (int i = 0; i < targets.size(); i++) {
                Mailbox mailbox = targets.get(i);
                long offset;
                try {
                    // A failed append cuts its own file back; the files before it are cut here.
                    offset = mailbox.append(content);
                } catch (IOException | RuntimeException e) {
                    rollBack(targets, copies);
                    throw e;
                }
                sequences[i] = mailbox.appended(offset);
                copies.add(new StoredCopy(mailbox.user.address(), mailbox.file, offset, content.size()));
                files.put(mailbox.user.address(), new RewriteHistory.FileVersion(mailbox.identity(), mailbox.rewrites()));
            }
        } finally {
            for (Mailbox mailbox : targets) {
                mailbox.appendLock.unlock();
            }
        }
        // The sync happens outside the append locks, so that other sessions append while
        // this one waits for the disk, and one fdatasync covers them all (group commit).
        return new Pending() {
            private boolean indexed;

            @Override
            public List<StoredCopy> awaitDurable() throws IOException {
                for (int i = 0; i < targets.size(); i++) {
                    targets.get(i).syncThrough(sequences[i]);
                }
                IndexWriter writer = indexWriter;
                if (writer != null && !indexed) {
                    indexed = true;
                    writer.delivered(new IndexWriter.Delivered(envelope, received, length, copies, files));
                }
                return copies;
            }
        };
    }

    /** The mailbox of {@code recipient} as {@link #findUser} spelt it (most often), or in another case; null for none. */
    private Mailbox mailbox(String recipient) {
        Mailbox mailbox = mailboxes.get(recipient);
        return mailbox != null ? mailbox : mailboxesByKey.get(key(recipient));
    }

    /**
     * The mailboxes of these recipients, which had none: each file made as at start (never
     * through a link, the directory synced once for all), for a recipient a catch-all
     * accepted. A recipient accepted before its user or catch-all was taken off the list is
     * delivered all the same: an accepted message is never lost.
     *
     * @throws IllegalArgumentException for an address that could not be a mailbox, or when
     *                                  no catch-all was ever on (the session accepts neither:
     *                                  see {@link #findUser})
     */
    private List<Mailbox> addMailboxes(List<String> recipients) throws IOException {
        List<Mailbox> found = new ArrayList<>(recipients.size());
        List<Mailbox> made = new ArrayList<>();
        synchronized (adding) {
            List<User> wanted = new ArrayList<>();
            for (String recipient : recipients) {
                Mailbox mailbox = mailbox(recipient);
                if (mailbox != null) {
                    found.add(mailbox);
                    continue;
                }
                String canonical = canonical(recipient);
                if (!caughtEver || canonical == null || UsersFile.checkAddress(canonical, canonical) != null) {
                    throw new IllegalArgumentException("no user " + recipient);
                }
                if (wanted.stream().noneMatch(u -> key(u.address()).equals(key(canonical)))) {
                    wanted.add(new User(canonical, 0));
                }
            }
            made.addAll(createAndRegister(wanted));
            found.addAll(made);
        }
        told(made);
        return found;
    }

    /**
     * Makes each user's file (unless it exists) and syncs the directory once, then adds
     * their mailboxes; call holding {@link #adding}. When a file cannot be made, none of
     * them is added, and the files made are removed again.
     */
    private List<Mailbox> createAndRegister(List<User> users) throws IOException {
        if (users.isEmpty()) {
            return List.of();
        }
        List<Path> created = new ArrayList<>();
        try {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                // Removed while the server runs: made again rather than lose mail, as Mailbox does.
                Files.createDirectories(directory);
            }
            for (User user : users) {
                Path file = directory.resolve(user.mailboxFileName());
                if (createMailbox(file)) {
                    created.add(file);
                }
            }
            if (!created.isEmpty()) {
                disk.syncDirectory(directory);
            }
        } catch (IOException | RuntimeException e) {
            removeQuietly(created, null);
            throw e;
        }
        List<Mailbox> made = new ArrayList<>();
        for (User user : users) {
            Mailbox mailbox = register(user);
            if (mailbox != null) {
                made.add(mailbox);
            }
        }
        return made;
    }

    /**
     * What applying a list changed: the users added and removed (as the files spell them),
     * catch-all lines as {@code *@domain}; {@code changed} is also true when only a password
     * changed.
     */
    public record ListChange(List<String> added, List<String> removed, boolean changed) {
    }

    /**
     * Makes {@code next} the list of who is accepted, from now on: a new user's mailbox file
     * is made now (and joins the index) and the mailboxes of a catch-all's domain that an
     * earlier run made are found again (see the class comment); a user no longer listed gets
     * {@code 550} for new mail, but keeps its file and index rows, and a recipient accepted
     * before is still delivered. Passwords follow the new list. All or nothing: when a new
     * user's file cannot be made, the files made for it are removed and the list stays as it was.
     *
     * @param source the users file {@code next} was read from, named in a failure
     * @throws UsersFileException naming the user's line, when its mailbox file cannot be made
     */
    public ListChange apply(Path source, Recipients next) throws UsersFileException {
        synchronized (applying) {
            Accepted before = accepted;
            List<User> wanted = new ArrayList<>();
            for (User user : next.users()) {
                if (!mailboxesByKey.containsKey(key(user.address()))) {
                    wanted.add(user);
                }
            }
            List<Path> created = new ArrayList<>();
            try {
                for (User user : wanted) {
                    try {
                        if (createMailbox(directory.resolve(user.mailboxFileName()))) {
                            created.add(directory.resolve(user.mailboxFileName()));
                        }
                    } catch (IOException e) {
                        throw new UsersFileException(source, user.line(), e.getMessage());
                    }
                }
                if (!created.isEmpty()) {
                    try {
                        disk.syncDirectory(directory);
                    } catch (IOException e) {
                        throw new UsersFileException(source, 0, "cannot sync the mailbox directory " + directory
                                + ": " + reason(e));
                    }
                }
            } catch (UsersFileException | RuntimeException e) {
                removeQuietly(created, null);
                throw e;
            }
            List<User> joining = new ArrayList<>(wanted);
            if (!before.catchAll().equals(next.catchAll())) {
                for (User user : caught(next.catchAll(), index)) {
                    if (joining.stream().noneMatch(u -> key(u.address()).equals(key(user.address())))) {
                        joining.add(user);
                    }
                }
            }
            // The index learns of each file before any delivery can reach it, so that no copy is counted twice.
            for (User user : joining) {
                reconcile(user.address(), directory.resolve(user.mailboxFileName()));
            }
            List<Mailbox> made = new ArrayList<>();
            synchronized (adding) {
                for (User user : joining) {
                    Mailbox mailbox = register(user);
                    if (mailbox != null) {
                        made.add(mailbox);
                    }
                }
                // Set first: a recipient the new list accepts may be delivered at once.
                caughtEver |= next.catchAll().isOn();
                accepted = Accepted.of(next);
            }
            told(made);
            return change(before, next);
        }
    }

    private static ListChange change(Accepted before, Recipients next) {
        Accepted after = Accepted.of(next);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        boolean changed = !before.catchAll().equals(after.catchAll());
        for (User user : after.listed()) {
            User was = before.users().get(key(user.address()));
            if (was == null) {
                added.add(user.address());
            } else if (!Objects.equals(was.password(), user.password()) || !was.address().equals(user.address())) {
                changed = true;
            }
        }
        for (User user : before.listed()) {
            if (!after.users().containsKey(key(user.address()))) {
                removed.add(user.address());
            }
        }
        for (String domain : new TreeSet<>(after.catchAll().domains())) {
            if (!before.catchAll().domains().contains(domain)) {
                added.add("*@" + domain);
            }
        }
        for (String domain : new TreeSet<>(before.catchAll().domains())) {
            if (!after.catchAll().domains().contains(domain)) {
                removed.add("*@" + domain);
            }
        }
        return new ListChange(List.copyOf(added), List.copyOf(removed), changed || !added.isEmpty()
                || !removed.isEmpty());
    }

    /** Brings the index in line with a mailbox about to be added, if the index is open (see {@link IndexReconciler}). */
    private void reconcile(String address, Path file) {
        IndexWriter writer = indexWriter;
        MessageIndex opened = index;
        if (writer == null || opened == null) {
            return;
        }
        try {
            long tail = writer.run(() -> IndexReconciler.reconcile(opened, address, file, format));
            if (tail > 0) {
                unindexed.put(address, tail);
            }
        } catch (IOException | RuntimeException e) {
            problems.accept("could not bring the message index in line with " + file + ": " + e.getMessage());
        }
    }

    /**
     * The users of mailbox files that {@code catchAll} accepts and that are no mailbox yet:
     * each {@code <address>.txt} of the directory (a regular file, not a link) whose name is
     * an address that passes the users file's checks and whose mailbox file name it is; and
     * each mailbox of {@code index} (when open) whose address is caught and whose file is
     * there, which also finds an address whose file name was shortened and hashed.
     */
    private List<User> caught(CatchAll catchAll, MessageIndex index) {
        if (!catchAll.isOn()) {
            return List.of();
        }
        Map<String, User> found = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.txt")) {
            for (Path file : files) {
                names.add(file.getFileName().toString());
            }
        } catch (IOException e) {
            problems.accept("could not look for the catch-all's mailboxes in " + directory + ": " + reason(e));
        }
        names.sort(null);
        for (String name : names) {
            addCaught(found, catchAll, name.substring(0, name.length() - ".txt".length()));
        }
        if (index != null) {
            try {
                for (String address : index.addresses()) {
                    addCaught(found, catchAll, address);
                }
            } catch (IOException e) {
                problems.accept("could not look for the catch-all's mailboxes in the index: " + e.getMessage());
            }
        }
        return List.copyOf(found.values());
    }

    private void addCaught(Map<String, User> found, CatchAll catchAll, String name) {
        String address = Normalizer.normalize(name, Normalizer.Form.NFC);
        String key = key(address);
        int at = key.lastIndexOf('@');
        if (at < 0 || !catchAll.accepts(key.substring(at + 1)) || mailboxesByKey.containsKey(key)
                || found.containsKey(key) || UsersFile.checkAddress(address, address) != null) {
            return;
        }
        User user = new User(address, 0);
        if (Files.isRegularFile(directory.resolve(user.mailboxFileName()), LinkOption.NOFOLLOW_LINKS)) {
            found.put(key, user);
        }
    }

    private void told(List<Mailbox> made) {
        for (Mailbox mailbox : made) {
            for (Consumer<String> listener : mailboxListeners) {
                try {
                    listener.accept(mailbox.user.address());
                } catch (RuntimeException e) {
                    problems.accept("a listener of new mailboxes failed: " + e);
                }
            }
        }
    }

    /**
     * Opens the message index beside the mailboxes ({@link MessageIndex}), brings it in line
     * with the files (see {@link IndexReconciler}), and from now on adds every delivered
     * copy to it, off the delivery path. Call after {@link #createMailboxes()}.
     */
    public void openIndex() throws IOException {
        MessageIndex opened = MessageIndex.open(directory);
        MailboxRequests requests = new MailboxRequests(opened);
        IndexWriter writer = new IndexWriter(opened, format, address -> {
            Mailbox mailbox = mailboxes.get(address);
            return mailbox == null ? null : mailbox.file;
        }, problems, this::indexChanged, () -> {
            MailboxRewriter serving = rewriter;
            if (serving != null) {
                serving.serve(requests);
            }
        });
        try {
            opened.format(format);
            requests.tidy();
            for (User user : caught(accepted.catchAll(), opened)) {
                register(user);
            }
            for (Mailbox mailbox : order) {
                long tail = IndexReconciler.reconcile(opened, mailbox.user.address(), mailbox.file, format);
                if (tail > 0) {
                    unindexed.put(mailbox.user.address(), tail);
                }
            }
        } catch (IOException | RuntimeException e) {
            writer.close();
            opened.close();
            throw e;
        }
        index = opened;
        indexWriter = writer;
        // The live map: a mailbox made while the server runs is rewritten under its own append lock too.
        rewriter = new MailboxRewriter(directory, format, mailboxes, opened, writer, disk, problems,
                this::indexChanged);
    }

    /**
     * Tells {@code listener}, on the index's thread, the addresses of the mailboxes whose
     * messages changed in the index (added, summarized, deleted) each time it commits a change.
     */
    public void addIndexListener(Consumer<Set<String>> listener) {
        indexListeners.add(listener);
    }

    private void indexChanged(Set<String> addresses) {
        for (Consumer<Set<String>> listener : indexListeners) {
            try {
                listener.accept(addresses);
            } catch (RuntimeException e) {
                problems.accept("a listener of the message index failed: " + e);
            }
        }
    }

    /**
     * Deletes the messages with these ids from their mailbox files and the index; returns
     * how many it deleted (an id the index does not know is skipped). Each file is
     * rewritten whole (see {@link MailboxRewriter}), so this takes as long as copying it.
     *
     * @throws IOException when a file could not be rewritten (it is then as it was), or
     *                     the index is not open: deleting needs it
     */
    public int delete(Collection<Long> ids) throws IOException {
        List<Long> copy = List.copyOf(ids);
        return edit("delete messages", rewriter -> rewriter.delete(copy));
    }

    /**
     * Deletes every message the index knows in the mailbox of {@code address} (any case);
     * returns how many. Earlier mail of a raw file, whose boundaries the index does not
     * know, stays, as does mail delivered meanwhile.
     */
    public int clear(String address) throws IOException {
        return edit("clear a mailbox", rewriter -> rewriter.clear(address));
    }

    private interface Edit {
        int apply(MailboxRewriter rewriter) throws IOException;
    }

    /** Runs {@code edit} on the index's thread (see {@link IndexWriter#run}). */
    private int edit(String what, Edit edit) throws IOException {
        IndexWriter writer = indexWriter;
        MailboxRewriter editing = rewriter;
        if (writer == null || editing == null) {
            throw new IOException("cannot " + what + ": the message index of " + directory + " is not open");
        }
        return writer.run(() -> edit.apply(editing));
    }

    /** The message index, once {@link #openIndex()} has opened it. */
    public Optional<MessageIndex> index() {
        return Optional.ofNullable(index);
    }

    /**
     * Returns once every copy delivered so far is in the index: for a reader that must see
     * what was just acknowledged (a test, a command right after a delivery).
     */
    public void awaitIndexed() throws InterruptedException {
        IndexWriter writer = indexWriter;
        if (writer != null) {
            writer.flush();
        }
    }

    /** Bytes at the end of a raw mailbox that no indexed message covers, found at start. */
    public long unindexedBytes(String address) {
        return unindexed.getOrDefault(address, 0L);
    }

    /** Cuts the files written so far back to their length before; their append locks are held. */
    private static void rollBack(List<Mailbox> targets, List<StoredCopy> written) {
        for (int i = 0; i < written.size(); i++) {
            try {
                targets.get(i).truncate(written.get(i).offset());
            } catch (IOException | RuntimeException ignored) {
                // Nothing better can be done here; the delivery reports its own failure.
            }
        }
    }

    /** Closes the mailbox files; a later delivery opens them again. */
    @Override
    public void close() {
        IndexWriter writer = indexWriter;
        if (writer != null) {
            writer.close();
            index.close();
            indexWriter = null;
            index = null;
            rewriter = null;
        }
        for (Mailbox mailbox : order) {
            mailbox.close();
        }
        releaseLock();
    }
}
