package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.net.IDN;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.smtpmonitor.text.Ascii;

/**
 * A store's mailboxes and who is accepted now: the users of the list in force, by address
 * ignoring case, and its catch-all. The mailboxes only ever grow while the store is open: a
 * new user's file is made when a list is applied ({@link #apply}), a caught address's on its
 * first delivery ({@link #addForDelivery}); a user taken off the list keeps its mailbox.
 * Deliveries read it without a lock (concurrent maps, and the list in force as one immutable
 * value); only adding a mailbox takes one. The mailboxes grow, but their open files do not:
 * beyond {@link #OPEN_LIMIT}, the least recently used are closed while idle ({@link #closeIdle}).
 */
final class MailboxList {

    /**
     * How many mailboxes keep their files open between deliveries (two descriptors each: the
     * file and its journal). A catch-all makes a mailbox for every address a client names,
     * so without a bound a client sending to random addresses would use up the process's
     * descriptors, and every session's deliveries would fail.
     */
    static final int OPEN_LIMIT = 256;

    /** Who is accepted now; replaced whole by {@link #apply}, read without a lock by deliveries. */
    private volatile Accepted accepted;
    /** Every mailbox, by its address in lower case (see {@link #key}). */
    private final Map<String, Mailbox> mailboxesByKey = new ConcurrentHashMap<>();
    /** Every mailbox, by its address as spelt: the index and the copies name mailboxes so. */
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    /** Every mailbox in the order it was added: the users file's first; read and written holding itself. */
    private final List<Mailbox> order = new ArrayList<>();
    /**
     * The mailboxes delivered to since they were last closed idle, least recently used
     * first; held while read or written. Beyond {@link #openLimit} of them, the least
     * recently used are closed (see {@link #closeIdle}).
     */
    private final LinkedHashMap<Mailbox, Boolean> recent = new LinkedHashMap<>(64, 0.75f, true);
    /** How many mailboxes may keep their files open between deliveries. */
    private volatile int openLimit = OPEN_LIMIT;
    /** Held while mailboxes are added (rare), never by a delivery to a mailbox that exists. */
    private final Object adding = new Object();
    /** Held while a list is applied: one at a time. */
    private final Object applying = new Object();
    private final List<Consumer<String>> mailboxListeners = new CopyOnWriteArrayList<>();
    /** A catch-all has been on since the store was made, so a recipient may have no mailbox yet. */
    private volatile boolean caughtEver;

    private final Path directory;
    private final MailboxFormat format;
    private final String defaultDomain;
    private final Disk disk;
    private final Consumer<String> problems;

    MailboxList(Path directory, MailboxFormat format, Recipients recipients, String defaultDomain, Disk disk,
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

    /** What {@link #apply} needs of the index: bring it in line with a file about to be a mailbox, and read it. */
    interface Reconciler {
        void reconcile(String address, Path file);

        /** The open index, or null. */
        MessageIndex index();
    }

    /** Every mailbox, in the order added; a copy. */
    List<Mailbox> all() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    /** At most {@code mailboxes} mailboxes keep their files open between deliveries (a test's small number). */
    void keepOpenAtMost(int mailboxes) {
        openLimit = mailboxes;
    }

    /** Notes that these mailboxes were just delivered to, so their files are open (see {@link #closeIdle}). */
    void used(List<Mailbox> delivered) {
        synchronized (recent) {
            for (Mailbox mailbox : delivered) {
                recent.put(mailbox, Boolean.TRUE);
            }
        }
    }

    /**
     * Closes the files of the least recently used mailboxes beyond {@link #OPEN_LIMIT}, each
     * once no delivery uses it and its appends are durable (see {@link Mailbox#closeIdle});
     * one in use stays open, and counts as just used. Called after a delivery's wait for the
     * disk, off the event loops. A mailbox closed opens again on its next delivery.
     */
    void closeIdle() {
        List<Mailbox> eldest;
        synchronized (recent) {
            int over = recent.size() - openLimit;
            if (over <= 0) {
                return;
            }
            eldest = new ArrayList<>(over);
            var iterator = recent.keySet().iterator();
            while (eldest.size() < over && iterator.hasNext()) {
                eldest.add(iterator.next());
                iterator.remove();
            }
        }
        List<Mailbox> busy = new ArrayList<>();
        for (Mailbox mailbox : eldest) {
            if (!mailbox.closeIdle()) {
                busy.add(mailbox);
            }
        }
        if (!busy.isEmpty()) {
            synchronized (recent) {
                for (Mailbox mailbox : busy) {
                    recent.putIfAbsent(mailbox, Boolean.TRUE);
                }
            }
        }
    }

    /** Every mailbox by its address as spelt; a live view. */
    Map<String, Mailbox> bySpelling() {
        return mailboxes;
    }

    /**
     * At start, before any mailbox file is made: a listed user whose own file is missing but
     * whose address, ignoring case, names a mailbox file of the directory (one an earlier run
     * made for another spelling, such as a caught {@code Erin@example.com} now listed as
     * {@code erin@example.com}) takes that file, and its spelling, for its mailbox; else the
     * mail in it would be out of reach, with a new empty file in its place. A user's own
     * file, when it exists, stays its mailbox.
     */
    void useFilesOnDisk() {
        Map<String, String> onDisk = null;
        synchronized (adding) {
            List<Mailbox> all = all();
            for (int i = 0; i < all.size(); i++) {
                Mailbox mailbox = all.get(i);
                if (Files.exists(mailbox.file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (onDisk == null) {
                    onDisk = spellingsOnDisk();
                }
                User user = withFileOnDisk(mailbox.user, onDisk);
                if (user == mailbox.user) {
                    continue;
                }
                Mailbox found = new Mailbox(user, directory.resolve(user.mailboxFileName()), format, disk, problems);
                mailboxesByKey.put(key(user.address()), found);
                mailboxes.remove(mailbox.user.address());
                mailboxes.put(user.address(), found);
                replaceInOrder(mailbox, found);
            }
        }
    }

    /**
     * {@code user}, or, when its own mailbox file is missing and {@code onDisk} (see
     * {@link #spellingsOnDisk}) has a file for its address in another case, the same user
     * spelt as that file is: one mailbox per address, since addresses are compared ignoring case.
     */
    private User withFileOnDisk(User user, Map<String, String> onDisk) {
        if (Files.exists(directory.resolve(user.mailboxFileName()), LinkOption.NOFOLLOW_LINKS)) {
            return user;
        }
        String spelt = onDisk.get(key(user.address()));
        return spelt == null || spelt.equals(user.address()) ? user : new User(spelt, user.line(), user.password());
    }

    /**
     * The addresses of the mailbox files of the directory, by {@link #key}: each
     * {@code <address>.txt} (a regular file, not a link) whose name is an address that passes
     * the users file's checks and whose mailbox file name it is; of two spellings of one
     * address, the first in the order of their names, as {@link #caught} takes.
     */
    private Map<String, String> spellingsOnDisk() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.txt")) {
            for (Path file : files) {
                names.add(file.getFileName().toString());
            }
        } catch (IOException e) {
            // No directory yet, or none to be read: no earlier mailboxes to find.
            return Map.of();
        }
        names.sort(null);
        Map<String, String> found = new HashMap<>();
        for (String name : names) {
            String address = Normalizer.normalize(name.substring(0, name.length() - ".txt".length()),
                    Normalizer.Form.NFC);
            if (address.indexOf('@') >= 0 && UsersFile.checkAddress(address, address) == null
                    && new User(address, 0).mailboxFileName().equals(name)
                    && Files.isRegularFile(directory.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                found.putIfAbsent(key(address), address);
            }
        }
        return found;
    }

    private void replaceInOrder(Mailbox was, Mailbox now) {
        synchronized (order) {
            int at = order.indexOf(was);
            if (at >= 0) {
                order.set(at, now);
            }
        }
    }

    /** Adds the mailboxes of the files {@link #caught} finds for the catch-all in force; at start. */
    void addCaught(MessageIndex index) {
        for (User user : caught(accepted.catchAll(), index)) {
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
        return register(user, false);
    }

    /**
     * As {@link #register(User)}; {@code nameUnsynced} when the directory was not synced since
     * its file was made, which the mailbox then does before its first append is durable.
     */
    private Mailbox register(User user, boolean nameUnsynced) {
        Mailbox mailbox = new Mailbox(user, directory.resolve(user.mailboxFileName()), format, disk, problems);
        if (nameUnsynced) {
            // Before any delivery can find it: every one must wait for the directory sync.
            mailbox.madeNow();
        }
        if (mailboxesByKey.putIfAbsent(key(user.address()), mailbox) != null) {
            return null;
        }
        mailboxes.put(user.address(), mailbox);
        synchronized (order) {
            order.add(mailbox);
        }
        return mailbox;
    }

    /**
     * The user of every mailbox: those of the users file at start in its order, then the
     * mailboxes added since (new users, caught addresses) in the order they were made. A user
     * since taken off the list is still here: its mail is kept (see {@link #currentUsers()}).
     */
    List<User> users() {
        List<Mailbox> all = all();
        List<User> users = new ArrayList<>(all.size());
        for (Mailbox mailbox : all) {
            users.add(mailbox.user);
        }
        return users;
    }

    /** The users the list applied last names (at start, or by {@link #apply}), in its order. */
    List<User> currentUsers() {
        return accepted.listed();
    }

    /** The catch-all applied now. */
    CatchAll catchAll() {
        return accepted.catchAll();
    }

    /** The mailbox file of the user with this address (as the users file spells it, or in any case). */
    Path mailboxFile(String address) {
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
    void addListener(Consumer<String> listener) {
        mailboxListeners.add(listener);
    }

    /** See {@link MailboxStore#findUser}. */
    String findUser(String address) {
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

    String passwordOf(String user) {
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

    /** The mailbox of {@code recipient} as {@link #findUser} spelt it (most often), or in another case; null for none. */
    Mailbox mailbox(String recipient) {
        Mailbox mailbox = mailboxes.get(recipient);
        return mailbox != null ? mailbox : mailboxesByKey.get(key(recipient));
    }

    /**
     * The mailboxes of these recipients, which had none: each file made as at start (never
     * through a link), for a recipient a catch-all accepted; the directory is synced not
     * here, on the event loop, but before the first delivery to each is durable (see
     * {@link Mailbox#madeNow}), so the name is on disk before the client hears 250. A
     * recipient accepted before its user or catch-all was taken off the list is delivered
     * all the same: an accepted message is never lost.
     *
     * @throws IllegalArgumentException for an address that could not be a mailbox, or when
     *                                  no catch-all was ever on (the session accepts neither:
     *                                  see {@link #findUser})
     */
    List<Mailbox> addForDelivery(List<String> recipients) throws IOException {
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
     * Makes each user's file (unless it exists), then adds their mailboxes, each to sync the
     * directory before its first append is durable (a file found made may be one a list being
     * applied made, not yet synced); call holding {@link #adding}. When a file cannot be
     * made, none of them is added, and the files made are removed again.
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
                if (MailboxStore.createMailbox(file)) {
                    created.add(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            MailboxStore.removeQuietly(created, null);
            throw e;
        }
        List<Mailbox> made = new ArrayList<>();
        for (User user : users) {
            Mailbox mailbox = register(user, true);
            if (mailbox != null) {
                made.add(mailbox);
            }
        }
        return made;
    }

    /**
     * See {@link MailboxStore#apply}. The files of new mailboxes are made first, then
     * {@code reconciler} brings the index in line with each, and only then do deliveries see
     * them and the new list, all at once.
     */
    MailboxStore.ListChange apply(Path source, Recipients next, Reconciler reconciler) throws UsersFileException {
        synchronized (applying) {
            Accepted before = accepted;
            List<User> wanted = new ArrayList<>();
            Map<String, String> onDisk = null;
            for (User user : next.users()) {
                if (!mailboxesByKey.containsKey(key(user.address()))) {
                    if (onDisk == null) {
                        onDisk = spellingsOnDisk();
                    }
                    // A file an earlier run made for the address in another case is its mailbox.
                    wanted.add(withFileOnDisk(user, onDisk));
                }
            }
            List<User> created = new ArrayList<>();
            try {
                for (User user : wanted) {
                    try {
                        if (MailboxStore.createMailbox(directory.resolve(user.mailboxFileName()))) {
                            created.add(user);
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
                                + ": " + MailboxStore.reason(e));
                    }
                }
            } catch (UsersFileException | RuntimeException e) {
                removeUnclaimed(created);
                throw e;
            }
            List<User> joining = new ArrayList<>(wanted);
            if (!before.catchAll().equals(next.catchAll())) {
                for (User user : caught(next.catchAll(), reconciler.index())) {
                    if (joining.stream().noneMatch(u -> key(u.address()).equals(key(user.address())))) {
                        joining.add(user);
                    }
                }
            }
            // The index learns of each file before any delivery can reach it, so that no copy is counted twice.
            for (User user : joining) {
                reconciler.reconcile(user.address(), directory.resolve(user.mailboxFileName()));
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

    /**
     * Removes the files a failed {@link #apply} made, but for any that a catch-all's delivery
     * took for its mailbox meanwhile (the files are made outside {@link #adding}, so that
     * deliveries to mailboxes being made do not wait for the disk), or that holds anything:
     * it may hold mail a client was told is stored. Under {@link #adding}, so that no
     * delivery can take a file as it is removed.
     */
    private void removeUnclaimed(List<User> created) {
        List<Path> unclaimed = new ArrayList<>();
        synchronized (adding) {
            for (User user : created) {
                Path file = directory.resolve(user.mailboxFileName());
                try {
                    boolean empty = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .size() == 0;
                    if (empty && !mailboxesByKey.containsKey(key(user.address()))) {
                        unclaimed.add(file);
                    }
                } catch (IOException e) {
                    // Gone already, or not to be read: left as it is.
                }
            }
            MailboxStore.removeQuietly(unclaimed, null);
        }
    }

    private static MailboxStore.ListChange change(Accepted before, Recipients next) {
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
        return new MailboxStore.ListChange(List.copyOf(added), List.copyOf(removed), changed || !added.isEmpty()
                || !removed.isEmpty());
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
            problems.accept("could not look for the catch-all's mailboxes in " + directory + ": "
                    + MailboxStore.reason(e));
        }
        names.sort(null);
        for (String name : names) {
            addIfCaught(found, catchAll, name.substring(0, name.length() - ".txt".length()));
        }
        if (index != null) {
            try {
                for (String address : index.addresses()) {
                    addIfCaught(found, catchAll, address);
                }
            } catch (IOException e) {
                problems.accept("could not look for the catch-all's mailboxes in the index: " + e.getMessage());
            }
        }
        return List.copyOf(found.values());
    }

    private void addIfCaught(Map<String, User> found, CatchAll catchAll, String name) {
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
}
