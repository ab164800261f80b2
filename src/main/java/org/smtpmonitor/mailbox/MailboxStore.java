package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;
import org.smtpmonitor.smtp.StoredCopy;

/**
 * The mailbox files: one per user, {@code <address>.txt} in one directory.
 *
 * <p>Who is accepted can change while the server runs ({@link #apply}, from a users file
 * edited meanwhile), and a catch-all ({@link CatchAll}) accepts addresses no file lists. The
 * mailboxes only ever grow while the store is open: a new user's file is made when the
 * list is applied, a caught address's on its first delivery (see {@link #append}), with
 * the same care as at start (never through a link, a regular file only, the directory
 * synced before a delivery to it is acknowledged: for a caught address, by the thread that
 * waits for the disk, not the event loop), and each joins the index. A user taken off the
 * list gets no new mail, but keeps its file, its index rows and its place in
 * {@link #users()}; a recipient accepted before is still delivered. Mailboxes are found by
 * address ignoring case, so two spellings that differ only in case are one mailbox, named
 * by the first spelling seen; a listed user whose own file is missing takes the file an
 * earlier run made for its address in another case (at start, and when a new list adds
 * it), so mail caught as {@code Erin@} stays in view when {@code erin@} is listed later.
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
    private final Disk disk;
    private final Consumer<String> problems;
    /** The mailboxes, and who is accepted now. */
    private final MailboxList list;
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
        this.list = new MailboxList(directory, format, recipients, defaultDomain, disk, problems);
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
            list.useFilesOnDisk();
            list.addCaught(null);
            for (Mailbox mailbox : list.all()) {
                Files.deleteIfExists(MailboxRewriter.temporaryFile(mailbox.file));
            }
            for (Mailbox mailbox : list.all()) {
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
            for (Mailbox mailbox : list.all()) {
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
    static boolean createMailbox(Path file) throws IOException {
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
    static void removeQuietly(List<Path> created, Path madeDirectory) {
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

    static String reason(IOException e) {
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
        return list.users();
    }

    /** The users the list applied last names (at start, or by {@link #apply}), in its order. */
    public List<User> currentUsers() {
        return list.currentUsers();
    }

    /** The catch-all applied now. */
    public CatchAll catchAll() {
        return list.catchAll();
    }

    /** The mailbox file of the user with this address (as the users file spells it, or in any case). */
    public Path mailboxFile(String address) {
        return list.mailboxFile(address);
    }

    /**
     * Tells {@code listener} the address of each mailbox made while the store is open (a
     * caught address's first delivery, a user added to the list), once its file exists, on
     * the thread that made it (a server's event loop, or the one applying the list).
     */
    public void addMailboxListener(Consumer<String> listener) {
        list.addListener(listener);
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
        return list.findUser(address);
    }

    @Override
    public String passwordOf(String user) {
        return list.passwordOf(user);
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
     * user's file cannot be made, the list stays as it was, and the files made for it are
     * removed again, but for one a catch-all's delivery took meanwhile: no file that may hold
     * mail a client was told is stored is ever removed.
     *
     * @param source the users file {@code next} was read from, named in a failure
     * @throws UsersFileException naming the user's line, when its mailbox file cannot be made
     */
    public ListChange apply(Path source, Recipients next) throws UsersFileException {
        return list.apply(source, next, new MailboxList.Reconciler() {
            @Override
            public void reconcile(String address, Path file) {
                MailboxStore.this.reconcile(address, file);
            }

            @Override
            public MessageIndex index() {
                return index;
            }
        });
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

    @Override
    public Pending append(Envelope envelope, byte[] data, int length) throws IOException {
        List<Mailbox> targets = new ArrayList<>(envelope.recipients().size());
        List<String> missing = null;
        for (String recipient : envelope.recipients()) {
            Mailbox mailbox = list.mailbox(recipient);
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
            for (Mailbox mailbox : list.addForDelivery(missing)) {
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
        boolean appended = false;
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
            appended = true;
        } finally {
            for (Mailbox mailbox : targets) {
                mailbox.appendLock.unlock();
            }
            // Their files are open now, even after a failed append: they count (MailboxList.closeIdle).
            list.used(targets);
            if (!appended) {
                // No wait for the disk follows to close idle files then, and deliveries that
                // all fail (a full disk) must not use up the descriptors either.
                list.closeIdle();
            }
        }
        // The sync happens outside the append locks, so that other sessions append while
        // this one waits for the disk, and one fdatasync covers them all (group commit).
        return new Pending() {
            private boolean indexed;

            @Override
            public List<StoredCopy> awaitDurable() throws IOException {
                try {
                    for (int i = 0; i < targets.size(); i++) {
                        targets.get(i).syncThrough(sequences[i]);
                    }
                } finally {
                    // On the thread that waits for the disk, not an event loop.
                    list.closeIdle();
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

    /**
     * Opens the message index beside the mailboxes ({@link MessageIndex}), brings it in line
     * with the files (see {@link IndexReconciler}), and from now on adds every delivered
     * copy to it, off the delivery path. Call after {@link #createMailboxes()}.
     */
    public void openIndex() throws IOException {
        MessageIndex opened = MessageIndex.open(directory);
        MailboxRequests requests = new MailboxRequests(opened);
        IndexWriter writer = new IndexWriter(opened, format, address -> {
            Mailbox mailbox = list.bySpelling().get(address);
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
            list.addCaught(opened);
            for (Mailbox mailbox : list.all()) {
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
        rewriter = new MailboxRewriter(directory, format, list.bySpelling(), opened, writer, disk, problems,
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

    /** At most {@code mailboxes} mailboxes keep their files open between deliveries (a test's small number). */
    void keepOpenAtMost(int mailboxes) {
        list.keepOpenAtMost(mailboxes);
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
        for (Mailbox mailbox : list.all()) {
            mailbox.close();
        }
        releaseLock();
    }
}
