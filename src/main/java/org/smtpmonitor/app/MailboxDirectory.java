package org.smtpmonitor.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MailboxStore;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.mailbox.MessageOrders;
import org.smtpmonitor.mailbox.ReadMarks;
import org.smtpmonitor.mailbox.User;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageOrder;
import org.smtpmonitor.message.MessageParser;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Summary;

/**
 * The stored mail of one mailbox directory, as its index knows it: what the window (through
 * {@link Monitor}) and the command line see of the store. Reads go to the index and the
 * files; deletes go to whoever writes the files: the store of this process, or, from the
 * command line, the server running on the directory (SQLite lets the two processes share
 * the index).
 */
public final class MailboxDirectory implements AutoCloseable {

    /** The most bytes of a message read for its model: larger parts are cut, with a note. */
    public static final int MAX_PARSED = 32 * 1024 * 1024;
    /** How long a read waits for a delete that rewrites its file: a 100 MB mailbox takes about a second. */
    private static final int SETTLE_ATTEMPTS = 600;
    private static final long SETTLE_PAUSE_MILLIS = 50;

    /** What changes the mailbox files: the store that appends to them, wherever it runs. */
    interface Editor {
        int delete(Collection<Long> ids) throws IOException;

        int clear(String address) throws IOException;
    }

    private final Path directory;
    private final MailboxFormat format;
    private final MessageIndex index;
    private final Editor editor;
    /** The store of this process, or null for the command line's view of a directory. */
    private final MailboxStore store;

    private MailboxDirectory(Path directory, MailboxFormat format, MessageIndex index, Editor editor,
                             MailboxStore store) {
        this.directory = directory;
        this.format = format;
        this.index = index;
        this.editor = editor;
        this.store = store;
    }

    /**
     * Opens the index of {@code directory} for the command line; {@code format} is the
     * mailboxes' format, or null to take the one the server noted in the index.
     *
     * @throws IOException when there is no index there (no server has run on it) or it cannot be read
     */
    public static MailboxDirectory open(Path directory, MailboxFormat format) throws IOException {
        Path file = MessageIndex.fileOf(directory);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no message index: start smtp-monitor on this mailbox directory once to build it");
        }
        MessageIndex index = MessageIndex.open(directory);
        try {
            Optional<MailboxFormat> noted = index.format();
            MailboxFormat known = format != null ? format : noted.orElse(MailboxFormat.RAW);
            Editor editor = new CommandLineEditor(directory, known, index, noted);
            return new MailboxDirectory(directory, known, index, editor, null);
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** The mail of a running monitor's store, whose index it shares. */
    static MailboxDirectory of(MailboxStore store, MessageIndex index) {
        return new MailboxDirectory(store.directory(), store.format(), index, new Editor() {
            @Override
            public int delete(Collection<Long> ids) throws IOException {
                return store.delete(ids);
            }

            @Override
            public int clear(String address) throws IOException {
                return store.clear(address);
            }
        }, store);
    }

    public Path directory() {
        return directory;
    }

    public MailboxFormat format() {
        return format;
    }

    /**
     * One mailbox: its address, its file, the messages the index knows, the file's size, and
     * the bytes at its end that no indexed message covers (raw mail delivered before the
     * index existed, whose boundaries are unknown).
     *
     * @param unread the messages the window has not shown yet ({@link #markRead})
     */
    public record MailboxInfo(String address, Path file, long messages, long bytes, long unindexedBytes,
                              long unread) {
    }

    /**
     * Every mailbox: a monitor's in the order of its users file, then those made while it runs
     * (new users, catch-all addresses; a user since removed keeps its mailbox here, see
     * {@link Monitor#currentUsers()}); the command line's by address.
     */
    public List<MailboxInfo> mailboxes() throws IOException {
        Map<String, Long> counts = index.counts();
        Map<String, Long> read = ReadMarks.readCounts(index);
        List<String> addresses = addresses();
        List<MailboxInfo> mailboxes = new ArrayList<>();
        for (String address : addresses) {
            Path file = file(address);
            long bytes = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
            long unindexed = store != null ? store.unindexedBytes(address)
                    : index.state(address).map(s -> Math.max(0, bytes - s.indexedTo())).orElse(bytes);
            long messages = counts.getOrDefault(address, 0L);
            long unread = Math.max(0, messages - read.getOrDefault(address, 0L));
            mailboxes.add(new MailboxInfo(address, file, messages, bytes, unindexed, unread));
        }
        return mailboxes;
    }

    /**
     * The address of the mailbox spelled {@code address} in any case, without counting or
     * measuring anything: the cheap check of a request that names a mailbox.
     */
    public Optional<String> address(String address) throws IOException {
        return addresses().stream().filter(a -> a.equalsIgnoreCase(address)).findFirst();
    }

    private List<String> addresses() throws IOException {
        return store != null ? store.users().stream().map(User::address).toList() : index.addresses();
    }

    /** The mailbox of {@code address}, spelled in any case. */
    public Optional<MailboxInfo> mailbox(String address) throws IOException {
        return mailboxes().stream().filter(m -> m.address().equalsIgnoreCase(address)).findFirst();
    }

    /** A page of {@code address}'s messages, newest first. */
    public List<IndexedMessage> messages(String address, int skip, int limit) throws IOException {
        return messages(address, MessageOrder.NEWEST_FIRST, skip, limit);
    }

    /**
     * A page of {@code address}'s messages in {@code order}, sorted by the index: a message
     * whose headers it has not read yet sorts as if they were empty.
     */
    public List<IndexedMessage> messages(String address, MessageOrder order, int skip, int limit) throws IOException {
        return withHeaders(index.list(address, order, skip, limit));
    }

    /**
     * A page of the messages that match {@code query} (see {@link SearchQuery}) in
     * {@code mailbox} (null for all), newest first.
     *
     * @throws IllegalArgumentException when the query is not well formed, saying where
     */
    public List<IndexedMessage> search(String query, String mailbox, int skip, int limit) throws IOException {
        return search(query, mailbox, MessageOrder.NEWEST_FIRST, skip, limit);
    }

    /** As {@link #search(String, String, int, int)}, in {@code order}. */
    public List<IndexedMessage> search(String query, String mailbox, MessageOrder order, int skip, int limit)
            throws IOException {
        return withHeaders(index.search(SearchQuery.parse(query, mailbox, ZoneId.systemDefault()), order, skip, limit));
    }

    /** How many of {@code address}'s messages come before message {@code id} in {@code order}. */
    public long position(String address, MessageOrder order, long id) throws IOException {
        return MessageOrders.position(index, address, order, id);
    }

    /**
     * The copy in {@code address}'s mailbox of the message a session delivered as
     * {@code queueId}; empty when it was deleted, or the index has not taken it yet.
     */
    public Optional<IndexedMessage> delivered(String queueId, String address) throws IOException {
        Optional<IndexedMessage> found = index.byQueueId(address, queueId);
        return found.isEmpty() ? found : Optional.of(withHeaders(List.of(found.get())).get(0));
    }

    /** Notes that the window has shown these messages: they are no longer unread. */
    public void markRead(Collection<Long> ids) throws IOException {
        ReadMarks.markRead(index, ids);
    }

    public Optional<IndexedMessage> message(long id) throws IOException {
        Optional<IndexedMessage> found = index.byId(id);
        return found.isEmpty() ? found : Optional.of(withHeaders(List.of(found.get())).get(0));
    }

    /**
     * The messages, each with its summary headers: those the index has not read yet (under
     * a flood, or when a server stopped before it caught up) are read from their file now.
     */
    private List<IndexedMessage> withHeaders(List<IndexedMessage> messages) throws IOException {
        List<IndexedMessage> complete = new ArrayList<>(messages.size());
        for (IndexedMessage message : messages) {
            if (message.summarized()) {
                complete.add(message);
                continue;
            }
            try {
                ByteBuffer header = read(message, Summary.MAX_HEADER_BYTES);
                complete.add(message.withHeaders(Summary.parse(header.array(), header.position(), message.size())));
            } catch (NoSuchFileException e) {
                // Gone from its file since the index was read: listed as the index has it.
                complete.add(message);
            }
        }
        return complete;
    }

    /** The message as a MIME tree (its first {@link #MAX_PARSED} bytes); malformed MIME degrades, never throws. */
    public ParsedMessage parse(long id) throws IOException {
        ByteBuffer stored = readSettled(id, MAX_PARSED).bytes();
        return MessageParser.parse(format.unframe(stored.array(), stored.position()));
    }

    /**
     * Writes message {@code id} as it was sent (an .eml): its exact stored bytes, less an
     * mbox file's {@code From } line and quoting.
     *
     * @throws NoSuchFileException when there is no such message, or its file no longer holds it
     */
    public void export(long id, OutputStream out) throws IOException {
        // Read whole before a byte is written, so that a read a rewrite spoiled can be done
        // again (a message is at most the server's largest).
        ByteBuffer stored = readSettled(id, Integer.MAX_VALUE).bytes();
        out.write(format.unframe(stored.array(), stored.position()));
        out.flush();
    }

    /** A stored copy's bytes, and the row that says where they were read. */
    private record Settled(IndexedMessage message, ByteBuffer bytes) {
    }

    /**
     * The stored bytes of message {@code id} (at most {@code max}), read where the index says
     * while no delete rewrites its file: between a rewrite's rename and the index following
     * it, the rows of the mailbox name places in the old file, and a read from the new one
     * would return another message's bytes. Such a read is done again once the index follows.
     */
    private Settled readSettled(long id, int max) throws IOException {
        IndexedMessage message = find(id);
        for (int attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
            if (!index.rewriting(message.mailbox())) {
                ByteBuffer stored = read(message, max);
                IndexedMessage now = find(id);
                if (!index.rewriting(message.mailbox()) && now.offset() == message.offset()
                        && now.length() == message.length()) {
                    return new Settled(now, stored);
                }
                message = now;
            }
            try {
                Thread.sleep(SETTLE_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while mailbox " + message.mailbox() + " was rewritten", e);
            }
        }
        throw new IOException("mailbox " + message.mailbox() + " is still being rewritten by a delete; try again");
    }

    /**
     * Writes every indexed message of {@code address}, oldest first, as an mboxrd file: the
     * stored copies as they are from an mbox mailbox, framed as mbox from a raw one.
     */
    public void exportMailbox(String address, OutputStream out) throws IOException {
        final int page = 1_000;
        List<Long> ids = new ArrayList<>();
        for (int skip = 0; ; skip += page) {
            List<IndexedMessage> some = index.newest(address, skip, page);
            some.forEach(m -> ids.add(m.id()));
            if (some.size() < page) {
                break;
            }
        }
        for (int i = ids.size() - 1; i >= 0; i--) {
            Settled copy;
            try {
                copy = readSettled(ids.get(i), Integer.MAX_VALUE);
            } catch (NoSuchFileException e) {
                continue; // deleted since the export began
            }
            ByteBuffer stored = copy.bytes();
            if (format == MailboxFormat.MBOX) {
                out.write(stored.array(), 0, stored.position());
            } else {
                MailboxFormat.MBOX.write(copy.message().envelopeFrom(), copy.message().received(),
                        Arrays.copyOf(stored.array(), stored.position()), out);
            }
        }
        out.flush();
    }

    /**
     * Sends stored message {@code id} on to a real SMTP server with our own client: its exact
     * stored bytes, to the stored envelope's recipients or {@code target}'s. Blocks for the
     * whole conversation: never call it on the window's thread.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such message
     * @throws IOException when it cannot be read; a server that cannot be reached or refuses is an outcome, not an exception
     * @throws IllegalArgumentException when a recipient of {@code target} is not an address
     */
    public ReleaseOutcome release(long id, ReleaseTarget target) throws IOException {
        // One settled read, as export does: the bytes and the row that says where they were.
        Settled copy = readSettled(id, Integer.MAX_VALUE);
        ByteBuffer stored = copy.bytes();
        return Release.send(copy.message(), format.unframe(stored.array(), stored.position()), target);
    }

    /** Deletes these messages from their mailbox files and the index; returns how many it deleted. */
    public int delete(Collection<Long> ids) throws IOException {
        return editor.delete(ids);
    }

    /** Deletes every message of the mailbox of {@code address}; returns how many. */
    public int clear(String address) throws IOException {
        return editor.clear(address);
    }

    private IndexedMessage find(long id) throws IOException {
        return index.byId(id).orElseThrow(() -> new NoSuchFileException("message " + id, null, "no such message"));
    }

    /** The stored copy's bytes (at most {@code max}), checking that its file still holds it. */
    private ByteBuffer read(IndexedMessage message, int max) throws IOException {
        Path file = file(message.mailbox());
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            checkHolds(in, file, message);
            ByteBuffer stored = ByteBuffer.allocate((int) Math.min(max, message.length()));
            while (stored.hasRemaining() && in.read(stored, message.offset() + stored.position()) > 0) {
                // read on
            }
            return stored;
        }
    }

    private static void checkHolds(FileChannel in, Path file, IndexedMessage message) throws IOException {
        if (in.size() < message.offset() + message.length()) {
            throw new NoSuchFileException(file.toString(), null,
                    "message " + message.id() + " is no longer in the file");
        }
    }

    private Path file(String address) {
        return store != null ? store.mailboxFile(address) : directory.resolve(new User(address, 0).mailboxFileName());
    }

    /** Closes the command line's index; a monitor's is closed with its store. */
    @Override
    public void close() {
        if (store == null) {
            index.close();
        }
    }
}
