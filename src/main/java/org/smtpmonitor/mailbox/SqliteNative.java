package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import com.sun.security.auth.module.UnixSystem;

import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Where SQLite's native library is loaded from. Left alone, sqlite-jdbc copies the library
 * out of its jar into the temporary directory at every start, reads the copy back to
 * compare it with the jar's, and lists the directory to remove old copies: a fifth of a
 * second of every start (the window's, the server's, each {@code mailbox} command's), run
 * before the JIT has compiled any of it, and a megabyte written to {@code /tmp} each time.
 *
 * <p>Here the library is copied once for each sqlite-jdbc version into the user's cache
 * directory ({@code $XDG_CACHE_HOME} or {@code ~/.cache}, then
 * {@code smtp-monitor/sqlite-jdbc-VERSION/OS/ARCH/}), and each start points sqlite-jdbc at
 * that copy ({@code org.sqlite.lib.path}, its documented setting). A library is code, so the
 * copy is used only from a folder that the user alone can write, through no symbolic link,
 * and only when it is a regular file of the jar's size; a copy is written beside and renamed,
 * so a crash never leaves a short one under the real name. When anything is not so (another
 * operating system, a read-only home, a cache folder someone else may write), nothing is set
 * and sqlite-jdbc loads its library its own way; when the copy cannot be loaded after all,
 * sqlite-jdbc falls back to its own way too.
 */
final class SqliteNative {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static boolean prepared;

    private SqliteNative() {
    }

    /** Points sqlite-jdbc at the cached copy of its library, once a JVM, unless the user set a path. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        Optional<Path> root = cacheRoot();
        if (root.isEmpty()) {
            return;
        }
        cached(root.get()).ifPresent(library -> {
            System.setProperty("org.sqlite.lib.path", library.getParent().toString());
            System.setProperty("org.sqlite.lib.name", library.getFileName().toString());
        });
    }

    /** The user's cache directory, as the XDG base directory specification names it. */
    private static Optional<Path> cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Optional.of(Path.of(xdg));
        }
        String home = System.getProperty("user.home");
        return home == null || home.isEmpty() || "?".equals(home) ? Optional.empty()
                : Optional.of(Path.of(home, ".cache"));
    }

    /**
     * The copy of this sqlite-jdbc's library for this system under {@code cacheRoot}, made
     * now if there is none that can be trusted; empty when it cannot be had safely.
     */
    static Optional<Path> cached(Path cacheRoot) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        String folder = LibraryLoaderUtil.getNativeLibResourcePath();
        String name = LibraryLoaderUtil.getNativeLibName();
        URL resource = SQLiteJDBCLoader.class.getResource(folder + "/" + name);
        String version = SQLiteJDBCLoader.getVersion();
        if (resource == null || version == null || !version.matches("[0-9A-Za-z._-]+")) {
            return Optional.empty();
        }
        // ".../org/sqlite/native/Linux/x86_64" -> "Linux/x86_64"
        String platform = folder.replaceFirst("^/?org/sqlite/native/?", "");
        if (!platform.matches("[0-9A-Za-z._/-]+") || platform.contains("..")) {
            return Optional.empty();
        }
        try {
            Path cache = ownFolder(cacheRoot.resolve("smtp-monitor"));
            Path directory = cache;
            for (String step : ("sqlite-jdbc-" + version + "/" + platform).split("/")) {
                directory = ownFolder(directory.resolve(step));
            }
            Path library = directory.resolve(name);
            long size = size(resource);
            if (size <= 0) {
                return Optional.empty();
            }
            if (Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS) && Files.size(library) == size) {
                return Optional.of(library);
            }
            Path part = Files.createTempFile(directory, name, ".part");
            try {
                try (InputStream in = resource.openStream()) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                if (Files.size(part) != size) {
                    return Optional.empty();
                }
                move(part, library);
            } finally {
                Files.deleteIfExists(part);
            }
            return Optional.of(library);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code folder}, made if missing with only its owner allowed in; an existing one must be
     * a real folder of this user that nobody else may write.
     */
    private static Path ownFolder(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(folder.getParent());
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // Made by another process meanwhile: checked below like any other.
            }
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(folder + " is not a folder");
        }
        Object owner = Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS);
        if (!(owner instanceof Integer id) || id != new UnixSystem().getUid()
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(folder + " is not this user's alone");
        }
        return folder;
    }

    private static long size(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        long size = connection.getContentLengthLong();
        if (size < 0) {
            try (InputStream in = connection.getInputStream()) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
        } else {
            connection.getInputStream().close();
        }
        return size;
    }

    private static void move(Path part, Path library) throws IOException {
        try {
            Files.move(part, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, library, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
