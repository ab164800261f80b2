package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import javafx.application.Platform;

import org.smtpmonitor.app.AtomicFiles;
import org.smtpmonitor.app.MailboxDirectory;

/**
 * Messages as {@code .eml} files to drag out of the window. The desktop reads a dragged file
 * when it is dropped, from a path given when the drag starts, and the FX thread must not
 * write a file: so a message's file is written on {@code executor} as soon as its row is
 * pressed, before any drag can start, under the mailbox directory's
 * {@code .smtp-monitor/drag/}. It is written beside and renamed, so the path never holds a
 * part of a message. The files of an earlier run are deleted when the window starts, and
 * those older than {@link #KEEP} as new ones are written.
 */
final class DragFiles {

    /** The folder of the files, in the mailbox directory: the window writes nowhere else of its own accord. */
    static final Path FOLDER = Path.of(".smtp-monitor", "drag");
    /** How long a file is kept after it was written: long enough for any drop to have read it. */
    static final Duration KEEP = Duration.ofMinutes(10);
    /** The most messages one drag carries. */
    static final int MAX_FILES = 100;

    private final MailboxDirectory mail;
    private final Executor executor;
    private final Consumer<String> problems;
    /** The files written or being written in this run, by message id. */
    private final Map<Long, CompletableFuture<Path>> files = new ConcurrentHashMap<>();

    /**
     * @param mail     the stored mail; null when it cannot be read (nothing is dragged then)
     * @param problems told why a file could not be written, on the FX thread
     */
    DragFiles(MailboxDirectory mail, Executor executor, Consumer<String> problems) {
        this.mail = mail;
        this.executor = executor;
        this.problems = problems;
        if (mail != null) {
            // Message ids start again when an index is built again: no file of an earlier run is trusted.
            submit(() -> deleteOlderThan(Instant.MAX));
        }
    }

    /** Where message {@code id}'s file is, or will be once written. */
    Path fileOf(long id) {
        return mail.directory().toAbsolutePath().normalize().resolve(FOLDER).resolve("message-" + id + ".eml");
    }

    /** Starts writing the files of these messages (at most {@link #MAX_FILES}) that are not written or being written. */
    void prepare(Collection<Long> ids) {
        if (mail == null) {
            return;
        }
        ids.stream().limit(MAX_FILES).forEach(id -> files.computeIfAbsent(id, this::write));
    }

    /** The file of message {@code id} once it is written: for tests, and for whoever must wait for it. */
    CompletableFuture<Path> prepared(long id) {
        prepare(List.of(id));
        return files.get(id);
    }

    private CompletableFuture<Path> write(long id) {
        CompletableFuture<Path> done = new CompletableFuture<>();
        submit(() -> {
            try {
                done.complete(writeFile(id));
            } catch (IOException | RuntimeException e) {
                files.remove(id, done);
                done.completeExceptionally(e);
                String why = "Cannot write message " + id + " for dragging: " + BackgroundCall.reason(e);
                Platform.runLater(() -> problems.accept(why));
            }
        });
        return done;
    }

    private Path writeFile(long id) throws IOException {
        PrivateFolders.make(mail.directory(), FOLDER);
        deleteOlderThan(Instant.now().minus(KEEP));
        Path target = fileOf(id);
        AtomicFiles.write(target, out -> mail.export(id, out));
        return target;
    }

    /** Deletes the regular files of the folder last written before {@code time} (all for {@link Instant#MAX}). */
    private void deleteOlderThan(Instant time) {
        Path folder = mail.directory().toAbsolutePath().normalize().resolve(FOLDER);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path file : entries) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).compareTo(FileTime.from(time)) < 0) {
                    Files.deleteIfExists(file);
                    forget(file);
                }
            }
        } catch (IOException e) {
            // Left for the next clean: an old file in our own folder harms nothing.
        }
    }

    private void forget(Path file) {
        files.entrySet().removeIf(entry -> entry.getValue().isDone() && !entry.getValue().isCompletedExceptionally()
                && file.equals(entry.getValue().join()));
    }

    private void submit(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException e) {
            // The window is closing: nothing will be dragged.
        }
    }
}
