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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.smtpmonitor.mailbox.IndexedMessage;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.mailbox.User;

/**
 * The mailboxes of one directory as their index knows them, for the command line: read
 * while a server delivers into them or not (SQLite lets the two processes share the
 * index). It only reads: a server brings the index in line with the files when it starts.
 */
public final class MailboxDirectory implements AutoCloseable {

    /** The most bytes of one message written to the output at once. */
    private static final int CHUNK = 256 * 1024;

    private final Path directory;
    private final MailboxFormat format;
    private final MessageIndex index;

    private MailboxDirectory(Path directory, MailboxFormat format, MessageIndex index) {
        this.directory = directory;
        this.format = format;
        this.index = index;
    }

    /**
     * Opens the index of {@code directory}; {@code format} is the mailboxes' format, or null
     * to take the one the server noted in the index.
     *
     * @throws IOException when there is no index there (no server has run on it) or it cannot be read
     */
    public static MailboxDirectory open(Path directory, MailboxFormat format) throws IOException {
        Path file = directory.resolve(".smtp-monitor").resolve("index.db");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no message index: start smtp-monitor on this mailbox directory once to build it");
        }
        MessageIndex index = MessageIndex.open(directory);
        try {
            MailboxFormat known = format != null ? format : index.format().orElse(MailboxFormat.RAW);
            return new MailboxDirectory(directory, known, index);
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** One mailbox: its address, the messages the index knows, and its file's size. */
    public record MailboxInfo(String address, long messages, long bytes) {
    }

    public List<MailboxInfo> mailboxes() throws IOException {
        Map<String, Long> counts = index.counts();
        List<MailboxInfo> mailboxes = new ArrayList<>();
        for (String address : index.addresses()) {
            Path file = file(address);
            long bytes = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
            mailboxes.add(new MailboxInfo(address, counts.getOrDefault(address, 0L), bytes));
        }
        return mailboxes;
    }

    /** A page of {@code address}'s messages, newest first. */
    public List<IndexedMessage> messages(String address, int skip, int limit) throws IOException {
        return index.newest(address, skip, limit);
    }

    /** A page of the messages whose subject, addresses or text hold every word of {@code words}, newest first. */
    public List<IndexedMessage> search(String words, String mailbox, int skip, int limit) throws IOException {
        return index.search(MessageIndex.Query.words(mailbox, words), skip, limit);
    }

    public Optional<IndexedMessage> message(long id) throws IOException {
        return index.byId(id);
    }

    /**
     * Writes message {@code id} as it was sent (an .eml): its exact stored bytes, less an
     * mbox file's {@code From } line and quoting.
     *
     * @throws NoSuchFileException when there is no such message, or its file no longer holds it
     */
    public void export(long id, OutputStream out) throws IOException {
        IndexedMessage message = index.byId(id)
                .orElseThrow(() -> new NoSuchFileException("message " + id, null, "no such message"));
        Path file = file(message.mailbox());
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (in.size() < message.offset() + message.length()) {
                throw new NoSuchFileException(file.toString(), null, "message " + id + " is no longer in the file");
            }
            if (format == MailboxFormat.RAW) {
                ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
                for (long at = message.offset(), end = at + message.length(); at < end; ) {
                    buffer.clear().limit((int) Math.min(CHUNK, end - at));
                    int read = in.read(buffer, at);
                    if (read <= 0) {
                        throw new IOException("could not read " + file);
                    }
                    out.write(buffer.array(), 0, read);
                    at += read;
                }
            } else {
                // mbox copies are framed: unframed whole (they are at most the server's largest message).
                ByteBuffer stored = ByteBuffer.allocate(Math.toIntExact(message.length()));
                while (stored.hasRemaining() && in.read(stored, message.offset() + stored.position()) > 0) {
                    // read on
                }
                out.write(format.unframe(stored.array(), stored.position()));
            }
        }
        out.flush();
    }

    private Path file(String address) {
        return directory.resolve(new User(address, 0).mailboxFileName());
    }

    @Override
    public void close() {
        index.close();
    }
}
