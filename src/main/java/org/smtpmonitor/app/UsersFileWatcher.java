package org.smtpmonitor.app;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tells when the users file changes, on a daemon thread of its own ({@code users-file}), so
 * that an edit applies while the server runs. It watches the file's directory, not the file:
 * an editor that saves by writing a new file and renaming it over the old one replaces the
 * file a watch on it would follow. Events come in bursts (an editor writes, truncates,
 * renames), so the change is told once the file has been quiet for {@link #QUIET_MILLIS}.
 * Where the platform has no {@link WatchService} (or the directory cannot be watched), the
 * file's modification time, size and identity are looked at every second instead.
 */
final class UsersFileWatcher implements AutoCloseable {

    /** How long the file must be quiet before a change is told: one save is one change. */
    static final long QUIET_MILLIS = 200;
    /** How often the file is looked at without a WatchService. */
    static final long POLL_MILLIS = 1000;

    private final Path file;
    /** The names an event must be about: the file's, and its target's when it is a link. */
    private final Set<Path> names;
    private final Runnable changed;
    private final WatchService service;
    private final Thread thread;
    private volatile boolean closed;
    /** The file as polling saw it last: taken before the thread starts, so that no edit after {@link #polling} is missed. */
    private List<Object> seen;

    private UsersFileWatcher(Path file, Set<Path> names, Runnable changed, WatchService service) {
        this.file = file;
        this.names = names;
        this.changed = changed;
        this.service = service;
        this.seen = stamp();
        this.thread = new Thread(service != null ? this::watch : this::poll, "users-file");
        thread.setDaemon(true);
    }

    /** Watches {@code file}, calling {@code changed} on the watcher's thread after each change. */
    static UsersFileWatcher start(Path file, Runnable changed) {
        Path absolute = file.toAbsolutePath();
        // A users file that is a link (into a dotfiles folder, say) is edited where it leads.
        Path target = absolute;
        try {
            target = absolute.toRealPath();
        } catch (IOException e) {
            // Missing for now: the link's own directory is watched.
        }
        WatchService service = null;
        try {
            service = FileSystems.getDefault().newWatchService();
            for (Path directory : new LinkedHashSet<>(List.of(absolute.getParent(), target.getParent()))) {
                directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(service);
            service = null;
        }
        Set<Path> names = Set.copyOf(new LinkedHashSet<>(List.of(absolute.getFileName(), target.getFileName())));
        return started(new UsersFileWatcher(absolute, names, changed, service));
    }

    /** Looks at {@code file} every second, as {@link #start} does where no WatchService works. */
    static UsersFileWatcher polling(Path file, Runnable changed) {
        Path absolute = file.toAbsolutePath();
        return started(new UsersFileWatcher(absolute, Set.of(absolute.getFileName()), changed, null));
    }

    private static UsersFileWatcher started(UsersFileWatcher watcher) {
        watcher.thread.start();
        return watcher;
    }

    /** Whether it watches with a WatchService (false: it polls). */
    boolean watching() {
        return service != null;
    }

    private void watch() {
        try {
            while (!closed) {
                WatchKey key = service.take();
                boolean ours = concernsFile(key);
                if (!key.reset()) {
                    // The directory itself went (or was replaced): the file can only be polled now.
                    seen = stamp();
                    poll();
                    return;
                }
                if (!ours) {
                    continue;
                }
                long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                for (long left = QUIET_MILLIS; left > 0;
                     left = TimeUnit.NANOSECONDS.toMillis(quietUntil - System.nanoTime())) {
                    WatchKey more = service.poll(left, TimeUnit.MILLISECONDS);
                    if (more != null) {
                        if (concernsFile(more)) {
                            quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                        }
                        more.reset();
                    }
                }
                tell();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // Closed: the monitor is closing.
        }
    }

    private boolean concernsFile(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            // An overflow lost events: any of them may have been the file's.
            ours |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || names.contains((Path) event.context());
        }
        return ours;
    }

    private void poll() {
        try {
            while (!closed) {
                pause(POLL_MILLIS);
                List<Object> now = stamp();
                if (Objects.equals(now, seen)) {
                    continue;
                }
                // Let a save that is under way finish.
                pause(QUIET_MILLIS);
                seen = stamp();
                if (!closed) {
                    tell();
                }
            }
        } catch (InterruptedException e) {
            // Closed: the monitor is closing.
        }
    }

    /** Waits {@code millis}, or less when closed. Not an interrupt: one would close a channel a reload has open. */
    private synchronized void pause(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0 && !closed; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
            wait(left);
        }
    }

    /** What tells one version of the file from another: its time, size and identity, or an empty list when it is missing. */
    private List<Object> stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Arrays.asList(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return List.of();
        }
    }

    private void tell() {
        try {
            changed.run();
        } catch (RuntimeException e) {
            System.getLogger(UsersFileWatcher.class.getName()).log(System.Logger.Level.WARNING,
                    "reading the users file " + file + " again failed", e);
        }
    }

    /** Stops watching; waits a little for a reload under way to end. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        closeQuietly(service);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(WatchService service) {
        if (service != null) {
            try {
                service.close();
            } catch (IOException ignored) {
                // Nothing more to watch either way.
            }
        }
    }
}
