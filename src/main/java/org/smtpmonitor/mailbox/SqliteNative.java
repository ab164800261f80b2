package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

import com.sun.security.auth.module.UnixSystem;

import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Where SQLite's native library is loaded from. Left alone, sqlite-jdbc copies the library
 * out of its jar into the temporary directory at every start and reads the copy back to
 * compare it with the jar's: a fifth of a second of every start (the window's, the
 * server's, each {@code mailbox} command's), run before the JIT has compiled any of it, and
 * a megabyte in {@code /tmp} each time, left there by a JVM that is killed.
 *
 * <p>Here the library is copied once for each sqlite-jdbc version into the user's cache
 * directory ({@code $XDG_CACHE_HOME} or {@code ~/.cache}, then
 * {@code smtp-monitor/sqlite-jdbc-VERSION/OS/ARCH/}), and each start points sqlite-jdbc at
 * that copy ({@code org.sqlite.lib.path}, its documented setting) and at that folder for
 * its temporary files ({@code org.sqlite.tmpdir}, which it lists at each start). A library
 * is code, so the copy is used only where no other user can change it: every folder above
 * the cache belongs to this user or to root and is writable by nobody else (or sticky, as
 * {@code /tmp}), the folders from {@code smtp-monitor} down are this user's alone and no
 * links, and the copy is a regular file of this user's, writable by nobody else, with the
 * jar entry's size and CRC. A copy is written beside (owner-only) and renamed, so a crash
 * never leaves a short one under the real name. When anything is not so (another operating
 * system, a read-only home, a cache folder someone else may write, a JVM without
 * {@code jdk.security.auth}), nothing is set and sqlite-jdbc loads its library its own way;
 * when the copy cannot be loaded after all, sqlite-jdbc falls back to its own way too.
 */
final class SqliteNative {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** Write permission for the group and for others, as in {@code unix:mode}. */
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
    /** A part file this old was left by a process that died while copying. */
    private static final long STALE_PART_MILLIS = 10 * 60 * 1000;
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
        try {
            Optional<Path> root = cacheRoot();
            if (root.isEmpty()) {
                return;
            }
            cached(root.get()).ifPresent(library -> {
                System.setProperty("org.sqlite.lib.path", library.getParent().toString());
                System.setProperty("org.sqlite.lib.name", library.getFileName().toString());
                if (System.getProperty("org.sqlite.tmpdir") == null) {
                    System.setProperty("org.sqlite.tmpdir", library.getParent().toString());
                }
            });
        } catch (RuntimeException | LinkageError e) {
            // A JVM without jdk.security.auth, say: sqlite-jdbc loads its library its own way.
        }
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
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
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
            int self = Math.toIntExact(new UnixSystem().getUid());
            // Checked before anything is made in it, and again once the cache folder exists.
            Path existing = cacheRoot;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !safeFrom(existing.toRealPath(), self)) {
                return Optional.empty();
            }
            Files.createDirectories(cacheRoot);
            Path root = cacheRoot.toRealPath();
            if (!safeFrom(root, self)) {
                return Optional.empty();
            }
            Path directory = ownFolder(root.resolve("smtp-monitor"), self);
            for (String step : ("sqlite-jdbc-" + version + "/" + platform).split("/")) {
                directory = ownFolder(directory.resolve(step), self);
            }
            Path library = directory.resolve(name);
            Entry entry = entry(resource);
            if (entry.size() <= 0) {
                return Optional.empty();
            }
            if (trusted(library, self, entry)) {
                return Optional.of(library);
            }
            removeStaleParts(directory, name);
            Path part = Files.createTempFile(directory, name, ".part");
            try {
                // Into the part file as made (owner-only): a copy that replaced it would take the umask's permissions.
                try (InputStream in = resource.openStream(); OutputStream out = Files.newOutputStream(part)) {
                    in.transferTo(out);
                }
                if (!matches(part, entry)) {
                    return Optional.empty();
                }
                move(part, library);
            } finally {
                Files.deleteIfExists(part);
            }
            return trusted(library, self, entry) ? Optional.of(library) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code folder} (a real path) and each folder above it are root's or this
     * user's, and no one else may write in them but where they are sticky (as /tmp is).
     */
    private static boolean safeFrom(Path folder, int self) throws IOException {
        for (Path above = folder; above != null; above = above.getParent()) {
            Stat stat = Stat.of(above);
            if (stat.owner() != 0 && stat.owner() != self || stat.othersMayWrite() && (stat.mode() & STICKY) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code folder}, made if missing with only its owner allowed in; an existing one must be
     * a real folder of this user's that nobody else may write.
     */
    private static Path ownFolder(Path folder, int self) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // Made by another process meanwhile: checked below like any other.
            }
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(folder + " is not a folder");
        }
        Stat stat = Stat.of(folder);
        if (stat.owner() != self || stat.othersMayWrite()) {
            throw new IOException(folder + " is not this user's alone");
        }
        return folder;
    }

    /** The library's size and CRC-32 in the jar (CRC -1 when the class path is no jar). */
    private record Entry(long size, long crc) {
    }

    private static Entry entry(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            return new Entry(entry.getSize(), entry.getCrc());
        }
        try (InputStream in = connection.getInputStream()) {
            return new Entry(in.transferTo(OutputStream.nullOutputStream()), -1);
        }
    }

    /** A copy this user made, that nobody else may write, with the jar entry's bytes. */
    private static boolean trusted(Path library, int self, Entry entry) throws IOException {
        if (!Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Stat stat = Stat.of(library);
        return stat.owner() == self && !stat.othersMayWrite() && matches(library, entry);
    }

    /** A file's owner (uid) and mode bits, read without following a link. */
    private record Stat(int owner, int mode) {
        static Stat of(Path path) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            return new Stat((Integer) attributes.get("uid"), (Integer) attributes.get("mode"));
        }

        boolean othersMayWrite() {
            return (mode & GROUP_OR_OTHERS_WRITE) != 0;
        }
    }

    private static boolean matches(Path file, Entry entry) throws IOException {
        if (Files.size(file) != entry.size()) {
            return false;
        }
        if (entry.crc() < 0) {
            return true;
        }
        CRC32 crc = new CRC32();
        crc.update(ByteBuffer.wrap(Files.readAllBytes(file)));
        return crc.getValue() == entry.crc();
    }

    private static void removeStaleParts(Path directory, String name) throws IOException {
        long before = System.currentTimeMillis() - STALE_PART_MILLIS;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(directory, name + "*.part")) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part, LinkOption.NOFOLLOW_LINKS).toMillis() < before) {
                    Files.deleteIfExists(part);
                }
            }
        }
    }

    private static void move(Path part, Path library) throws IOException {
        try {
            Files.move(part, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, library, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
