package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Deletes messages by rewriting their mailbox files, never by cutting a file in place: the
 * bytes kept (every message not deleted, indexed or not, and any earlier mail whose
 * boundaries are unknown) are copied to a new file beside the mailbox, which is synced and
 * then renamed over it, and the directory synced; the index follows ({@link IndexRewrite}).
 * A crash at any moment leaves the old file whole or the new one, and the index in line
 * with either at the next start.
 *
 * <p>It runs on the index's thread (see {@link IndexWriter#run}), so no summary reads a
 * file as it is replaced, and each file is rewritten under its append lock, so a delivery
 * waits meanwhile and lands in the new file, never in the one being replaced.
 */
final class MailboxRewriter {

    private final Path directory;
    private final MailboxFormat format;
    private final Map<String, Mailbox> mailboxes;
    private final MessageIndex index;
    private final IndexWriter writer;
    private final Disk disk;
    private final Consumer<String> problems;
    private final Consumer<Set<String>> changed;

    MailboxRewriter(Path directory, MailboxFormat format, Map<String, Mailbox> mailboxes, MessageIndex index,
                    IndexWriter writer, Disk disk, Consumer<String> problems, Consumer<Set<String>> changed) {
        this.directory = directory;
        this.format = format;
        this.mailboxes = mailboxes;
        this.index = index;
        this.writer = writer;
        this.disk = disk;
        this.problems = problems;
        this.changed = changed;
    }

    /** The temporary file a rewrite of {@code mailbox} writes: hidden, and no user's mailbox can have its name. */
    static Path temporaryFile(Path mailbox) {
        return mailbox.resolveSibling("." + mailbox.getFileName() + ".rewrite");
    }

    /** Deletes the messages with these ids (those the index knows); returns how many. Index thread only. */
    int delete(Collection<Long> ids) throws IOException {
        Map<String, List<long[]>> byMailbox = new TreeMap<>();
        for (IndexRewrite.Place place : IndexRewrite.places(index, ids)) {
            byMailbox.computeIfAbsent(place.mailbox(), a -> new ArrayList<>())
                    .add(new long[] {place.offset(), place.offset() + place.length()});
        }
        int deleted = 0;
        Set<String> done = new TreeSet<>();
        try {
            for (Map.Entry<String, List<long[]>> mailbox : byMailbox.entrySet()) {
                deleted += rewrite(mailbox.getKey(), Cuts.of(mailbox.getValue()));
                done.add(mailbox.getKey());
            }
        } catch (IOException e) {
            throw done.isEmpty() ? e : new IOException("deleted " + deleted + " messages from " + done + ", then: "
                    + e.getMessage(), e);
        } finally {
            if (!done.isEmpty()) {
                changed.accept(done);
            }
        }
        return deleted;
    }

    /** Deletes every message the index knows in the mailbox of {@code address} (in any case); returns how many. */
    int clear(String address) throws IOException {
        String spelled = spelling(address).orElseThrow(() -> new IOException("no mailbox " + address));
        int deleted = rewrite(spelled, IndexRewrite.everything(index, spelled));
        if (deleted > 0) {
            changed.accept(Set.of(spelled));
        }
        return deleted;
    }

    /** Carries out what the command line asked, each request once; on the index's thread, when it has time. */
    void serve(MailboxRequests requests) {
        try {
            for (MailboxRequests.Request request : requests.waiting()) {
                if (request.created().isBefore(Instant.now().minus(MailboxRequests.UNCLAIMED_LIFE))) {
                    requests.expire(request.id());
                    continue;
                }
                if (!requests.take(request.id())) {
                    continue;
                }
                try {
                    requests.done(request.id(), carryOut(request));
                } catch (IOException | RuntimeException e) {
                    requests.failed(request.id(), String.valueOf(e.getMessage()));
                }
            }
        } catch (IOException e) {
            problems.accept("could not serve the requests of the command line: " + e.getMessage());
        }
    }

    /** As a delete from the window: through {@link IndexWriter#run}, so what is queued is indexed first. */
    private int carryOut(MailboxRequests.Request request) throws IOException {
        if (request.kind() == MailboxRequests.Kind.CLEAR) {
            return writer.run(() -> clear(request.argument()));
        }
        List<Long> ids = new ArrayList<>();
        for (String id : request.argument().split(",")) {
            if (!id.isBlank()) {
                ids.add(Long.parseLong(id.strip()));
            }
        }
        return writer.run(() -> delete(ids));
    }

    private Optional<String> spelling(String address) throws IOException {
        List<String> known = new ArrayList<>(mailboxes.keySet());
        known.addAll(index.addresses());
        return known.stream().filter(a -> a.equalsIgnoreCase(address)).findFirst();
    }

    /** Rewrites {@code address}'s file without {@code cuts}; returns how many messages the index lost with them. */
    private int rewrite(String address, Cuts cuts) throws IOException {
        if (cuts.isEmpty()) {
            return 0;
        }
        Mailbox known = mailboxes.get(address);
        // A mailbox whose user has left the users file gets no mail, but may still be emptied.
        Mailbox mailbox = known != null ? known
                : new Mailbox(new User(address, 0), directory.resolve(new User(address, 0).mailboxFileName()), format,
                        disk, problems);
        mailbox.appendLock.lock();
        try {
            mailbox.settleAppends();
            return rewriteSettled(address, mailbox, cuts);
        } finally {
            mailbox.appendLock.unlock();
            if (known == null) {
                mailbox.close();
            }
        }
    }

    private int rewriteSettled(String address, Mailbox mailbox, Cuts cuts) throws IOException {
        Path file = mailbox.file;
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IOException("cannot delete from mailbox " + file + ": " + reason(e));
        }
        if (!now.isRegularFile()) {
            throw new IOException("cannot delete from mailbox " + file + ": it is not a regular file");
        }
        long identity = AppendJournal.identity(now.fileKey());
        long size = now.size();
        MessageIndex.MailboxState state = index.state(address).orElse(new MessageIndex.MailboxState(address, 0, 0));
        if (state.identity() != identity || cuts.last() > size) {
            throw new IOException("nothing deleted: mailbox " + file + " is not the file the index describes (it was"
                    + " replaced or cut short since); restart smtp-monitor to index it again");
        }
        // Appends the index has not taken yet: where they lie after the rewrite is journaled.
        List<long[]> unindexed = IndexReconciler.rawMessages(mailbox.journal().since(identity, state.indexedTo()),
                identity, state.indexedTo(), size);
        Path temporary = temporaryFile(file);
        IndexRewrite.Pending rewrite;
        try {
            long newIdentity = copyKept(file, temporary, cuts, size);
            rewrite = new IndexRewrite.Pending(address, identity, newIdentity, cuts);
            IndexRewrite.begin(index, rewrite);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            try {
                IndexRewrite.cancel(index, address);
            } catch (IOException ignored) {
                // The next start forgets it: the file it names never took the mailbox's name.
            }
            throw new IOException("nothing deleted: could not put the rewritten " + file + " in place: " + reason(e), e);
        }
        // From here on the new file is the mailbox: everything below follows it.
        try {
            disk.syncDirectory(directory);
        } catch (IOException e) {
            problems.accept("could not sync the directory " + directory + " after rewriting " + file + ": "
                    + e.getMessage() + "; a power loss could bring the deleted messages back");
        }
        writer.rewritten(address, mailbox.rewrites(), new RewriteHistory.Rewrite(identity, rewrite.toIdentity(), cuts));
        AppendJournal.Places notIndexed = sink -> {
            for (long[] append : unindexed) {
                sink.place(cuts.shifted(append[0]), cuts.shifted(append[1]));
            }
        };
        int deleted;
        try {
            deleted = IndexRewrite.finish(index, rewrite);
        } catch (IOException e) {
            mailbox.replaced(rewrite.toIdentity(), size - cuts.total(), notIndexed);
            throw new IOException("the messages were deleted from " + file + ", but the index could not follow ("
                    + e.getMessage() + "); it will at the next start", e);
        }
        // A raw file's boundaries are known from the journal alone once the index is gone;
        // an mbox file shows its own.
        mailbox.replaced(rewrite.toIdentity(), size - cuts.total(), format == MailboxFormat.MBOX ? notIndexed : sink -> {
            IndexRewrite.forEachPlace(index, address, sink);
            notIndexed.each(sink);
        });
        return deleted;
    }

    /**
     * Writes the bytes of {@code file} outside {@code cuts} to {@code temporary}, a piece at
     * a time, and syncs it; returns the new file's identity.
     */
    private long copyKept(Path file, Path temporary, Cuts cuts, long size) throws IOException {
        Files.deleteIfExists(temporary);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            keepPermissions(file, temporary);
            long at = 0;
            for (int i = 0; i < cuts.count(); i++) {
                copy(in, at, cuts.start(i), out, file);
                at = cuts.end(i);
            }
            copy(in, at, size, out, file);
            disk.sync(out);
            return AppendJournal.identity(
                    Files.readAttributes(temporary, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            throw new IOException("nothing deleted: could not write " + temporary + ": " + reason(e), e);
        }
    }

    private void copy(FileChannel in, long from, long to, FileChannel out, Path file) throws IOException {
        for (long at = from; at < to; ) {
            long copied = disk.transfer(in, at, to - at, out);
            if (copied <= 0) {
                throw new IOException(file + " ends at byte " + at + ", before " + to);
            }
            at += copied;
        }
    }

    /** The new file gets the mailbox's permissions, which a user may have narrowed. */
    private static void keepPermissions(Path file, Path temporary) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            Files.setPosixFilePermissions(temporary, view.readAttributes().permissions());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The next start removes it.
        }
    }

    private static String reason(Exception e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
