package org.smtpmonitor.app;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.smtpmonitor.mailbox.DirectoryInUseException;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MailboxRequests;
import org.smtpmonitor.mailbox.MailboxStore;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.mailbox.User;

/**
 * Deletes for the command line, through the store's own code either way: when no server
 * runs on the directory (its lock is free) the command line opens a store of its own and
 * deletes holding the lock; when one does, it asks that server through the index's
 * {@code request} table ({@link MailboxRequests}) and waits for the answer. A server that
 * stops while the request waits frees the lock, and the command line then does it itself.
 */
final class CommandLineEditor implements MailboxDirectory.Editor {

    /** How long a request may wait for the server to take it up. */
    static final Duration WAIT_FOR_SERVER = Duration.ofSeconds(30);
    /** How long a request the server has taken may run: a rewrite of huge mailboxes takes a while. */
    private static final Duration WAIT_FOR_RESULT = Duration.ofMinutes(10);
    private static final long POLL_MILLIS = 50;
    private static final long LOCK_CHECK_MILLIS = 1000;

    private interface Edit {
        int apply(MailboxStore store) throws IOException;
    }

    private final Path directory;
    private final MailboxFormat format;
    private final MessageIndex index;
    /** The format the index notes, if any: deleting with another would misread every file. */
    private final Optional<MailboxFormat> noted;
    private final MailboxRequests requests;

    CommandLineEditor(Path directory, MailboxFormat format, MessageIndex index, Optional<MailboxFormat> noted) {
        this.directory = directory.toAbsolutePath().normalize();
        this.format = format;
        this.index = index;
        this.noted = noted;
        this.requests = new MailboxRequests(index);
    }

    @Override
    public int delete(Collection<Long> ids) throws IOException {
        List<Long> all = List.copyOf(ids);
        String argument = all.stream().map(String::valueOf).collect(Collectors.joining(","));
        return carryOut(MailboxRequests.Kind.DELETE, argument, store -> store.delete(all));
    }

    @Override
    public int clear(String address) throws IOException {
        return carryOut(MailboxRequests.Kind.CLEAR, address, store -> store.clear(address));
    }

    private int carryOut(MailboxRequests.Kind kind, String argument, Edit edit) throws IOException {
        if (noted.isPresent() && noted.get() != format) {
            throw new IOException("the index notes the mailboxes of " + directory + " as "
                    + noted.get().name().toLowerCase(Locale.ROOT) + ": nothing is deleted as "
                    + format.name().toLowerCase(Locale.ROOT));
        }
        Optional<Integer> alone = alone(edit);
        if (alone.isPresent()) {
            return alone.get();
        }
        long id = requests.ask(kind, argument);
        long asked = System.nanoTime();
        long lockChecked = asked;
        try {
            while (true) {
                Optional<MailboxRequests.Request> found = requests.request(id);
                if (found.isEmpty()) {
                    throw new IOException("request " + id + " is gone from " + index.file());
                }
                MailboxRequests.Request request = found.get();
                long now = System.nanoTime();
                switch (request.state()) {
                    case DONE:
                        return (int) request.result();
                    case FAILED:
                        throw new IOException(request.error());
                    case NEW:
                        if (now - asked > WAIT_FOR_SERVER.toNanos() && requests.withdraw(id)) {
                            throw new IOException("the server running on " + directory + " did not take up the"
                                    + " request within " + WAIT_FOR_SERVER.toSeconds() + " s; nothing was deleted");
                        }
                        if (now - lockChecked > LOCK_CHECK_MILLIS * 1_000_000 && requests.withdraw(id)) {
                            // The server may have stopped meanwhile: then its lock is free.
                            lockChecked = now;
                            alone = alone(edit);
                            if (alone.isPresent()) {
                                return alone.get();
                            }
                            id = requests.ask(kind, argument);
                        }
                        break;
                    case RUNNING:
                        if (now - asked > WAIT_FOR_RESULT.toNanos()) {
                            throw new IOException("the server running on " + directory + " took request " + id
                                    + " but has not finished it after " + WAIT_FOR_RESULT.toMinutes() + " minutes");
                        }
                        break;
                    default:
                        throw new IOException("request " + id + " was dropped (" + request.state() + ")");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.withdraw(id);
            throw new IOException("interrupted while waiting for the server", e);
        }
    }

    /** Does the edit with a store of this process, if no server holds the directory; empty if one does. */
    private Optional<Integer> alone(Edit edit) throws IOException {
        List<User> users = index.addresses().stream().map(address -> new User(address, 0)).toList();
        MailboxStore store = new MailboxStore(directory, format, users, "localhost");
        try {
            try {
                store.createMailboxes(Duration.ZERO);
            } catch (DirectoryInUseException e) {
                return Optional.empty();
            }
            store.openIndex();
            return Optional.of(edit.apply(store));
        } finally {
            store.close();
        }
    }
}
