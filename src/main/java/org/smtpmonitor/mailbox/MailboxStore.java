package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.smtpmonitor.event.MessageDelivered.StoredCopy;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.MessageStore;

/**
 * The mailbox files: one per user, {@code <address>.txt} in one directory.
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
    private final Map<String, User> usersByAddress = new HashMap<>();
    private final Map<String, Mailbox> mailboxes = new LinkedHashMap<>();

    /**
     * @param defaultDomain the domain given to a recipient written without one, as in
     *                      {@code RCPT TO:<alice>}
     */
    public MailboxStore(Path directory, MailboxFormat format, List<User> users, String defaultDomain) {
        this(directory, format, users, defaultDomain, Mailbox.FDATASYNC);
    }

    /** With a {@code disk} of the test's choosing, to see what a failing sync does. */
    MailboxStore(Path directory, MailboxFormat format, List<User> users, String defaultDomain, Mailbox.Disk disk) {
        this.directory = directory;
        this.format = format;
        this.defaultDomain = defaultDomain;
        for (User user : users) {
            usersByAddress.put(user.address().toLowerCase(Locale.ROOT), user);
            mailboxes.put(user.address(), new Mailbox(user, directory.resolve(user.mailboxFileName()), disk));
        }
    }

    /**
     * Creates the directory and an empty mailbox file for each user that has none; an
     * existing file is left exactly as it is.
     *
     * @throws IOException with a message that names the directory or file and the reason
     */
    public void createMailboxes() throws IOException {
        try {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("mailbox directory " + directory + " is a file, not a directory");
        } catch (IOException e) {
            throw new IOException("cannot create mailbox directory " + directory + ": " + reason(e));
        }
        if (!Files.isWritable(directory)) {
            throw new IOException("mailbox directory " + directory + " is not writable");
        }
        for (Mailbox mailbox : mailboxes.values()) {
            try {
                Files.createFile(mailbox.file);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isRegularFile(mailbox.file)) {
                    throw new IOException("mailbox " + mailbox.file + " is not a regular file");
                }
                if (!Files.isWritable(mailbox.file)) {
                    throw new IOException("mailbox " + mailbox.file + " is not writable");
                }
            } catch (IOException e) {
                throw new IOException("cannot create mailbox " + mailbox.file + ": " + reason(e));
            }
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

    /** The users, in the order of the users file. */
    public List<User> users() {
        List<User> users = new ArrayList<>(mailboxes.size());
        for (Mailbox mailbox : mailboxes.values()) {
            users.add(mailbox.user);
        }
        return users;
    }

    /** The mailbox file of the user with this address (as the users file spells it). */
    public Path mailboxFile(String address) {
        Mailbox mailbox = mailboxes.get(address);
        if (mailbox == null) {
            throw new IllegalArgumentException("no user " + address);
        }
        return mailbox.file;
    }

    @Override
    public String findUser(String address) {
        String key = address.toLowerCase(Locale.ROOT);
        if (key.indexOf('@') < 0) {
            key = key + "@" + defaultDomain.toLowerCase(Locale.ROOT);
        }
        User user = usersByAddress.get(key);
        return user == null ? null : user.address();
    }

    @Override
    public Pending append(Envelope envelope, byte[] data, int length) throws IOException {
        List<Mailbox> targets = new ArrayList<>(envelope.recipients().size());
        for (String recipient : envelope.recipients()) {
            Mailbox mailbox = mailboxes.get(recipient);
            if (mailbox == null) {
                throw new IllegalArgumentException("no user " + recipient);
            }
            if (!targets.contains(mailbox)) {
                targets.add(mailbox);
            }
        }
        targets.sort(Comparator.comparing(m -> m.user.address()));
        FramedMessage content = format.frame(envelope.sender(), Instant.now(), data, length);
        List<StoredCopy> copies = new ArrayList<>(targets.size());
        long[] sequences = new long[targets.size()];
        for (Mailbox mailbox : targets) {
            mailbox.appendLock.lock();
        }
        try {
            for (int i = 0; i < targets.size(); i++) {
                Mailbox mailbox = targets.get(i);
                long offset;
                try {
                    offset = mailbox.append(content);
                } catch (IOException | RuntimeException e) {
                    rollBack(targets, copies);
                    throw e;
                }
                sequences[i] = mailbox.appended(offset);
                copies.add(new StoredCopy(mailbox.user.address(), mailbox.file, offset, content.size()));
            }
        } finally {
            for (Mailbox mailbox : targets) {
                mailbox.appendLock.unlock();
            }
        }
        // The sync happens outside the append locks, so that other sessions append while
        // this one waits for the disk, and one fdatasync covers them all (group commit).
        return () -> {
            for (int i = 0; i < targets.size(); i++) {
                targets.get(i).syncThrough(sequences[i]);
            }
            return copies;
        };
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
        for (Mailbox mailbox : mailboxes.values()) {
            mailbox.close();
        }
    }
}
