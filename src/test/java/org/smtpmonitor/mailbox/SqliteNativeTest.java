package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.cli.Main;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.TestMonitor;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library is copied once into the user's cache and loaded from there,
 * never from a folder someone else may write or through a link; a copy that is not the
 * jar's, or that others may write, is replaced. A server in a JVM of its own maps that
 * copy and makes none in its temporary directory, and the command line works with it.
 */
class SqliteNativeTest {

    @TempDir
    Path root;

    private static byte[] jarLibrary() throws IOException {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }

    /** Where the copy for this sqlite-jdbc and system is kept under {@code cacheRoot}. */
    private static Path library(Path cacheRoot) {
        return cacheRoot.resolve("smtp-monitor").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion())
                .resolve(LibraryLoaderUtil.getNativeLibResourcePath().replaceFirst("^/?org/sqlite/native/?", ""))
                .resolve(LibraryLoaderUtil.getNativeLibName());
    }

    private static void assertEmpty(Path folder, String why) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(), files.toList(), why);
        }
    }

    @Test
    void theLibraryIsCopiedOnceIntoAFolderOnlyTheUserMayEnter() throws Exception {
        Path library = SqliteNative.cached(root).orElseThrow();
        assertTrue(library.startsWith(root.resolve("smtp-monitor").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion())),
                library.toString());
        assertArrayEquals(jarLibrary(), Files.readAllBytes(library));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("smtp-monitor"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(library.getParent())));

        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(library, old);
        assertEquals(Optional.of(library), SqliteNative.cached(root));
        assertEquals(old, Files.getLastModifiedTime(library), "a good copy is used as it is, not written again");
        try (Stream<Path> files = Files.list(library.getParent())) {
            assertEquals(List.of(library), files.toList(), "no part file is left beside it");
        }
    }

    @Test
    void aCopyCutShortIsReplacedByAWholeOne() throws Exception {
        Path library = SqliteNative.cached(root).orElseThrow();
        byte[] whole = Files.readAllBytes(library);
        Files.write(library, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertEquals(Optional.of(library), SqliteNative.cached(root));
        assertArrayEquals(whole, Files.readAllBytes(library));
    }

    @Test
    void aCopyOfTheSameSizeWithOtherBytesIsReplaced() throws Exception {
        Path library = SqliteNative.cached(root).orElseThrow();
        byte[] whole = Files.readAllBytes(library);
        byte[] changed = whole.clone();
        changed[changed.length / 2] ^= 0x5a;
        Files.write(library, changed);
        assertEquals(Optional.of(library), SqliteNative.cached(root));
        assertArrayEquals(whole, Files.readAllBytes(library));
    }

    @Test
    void aCopyOthersMayWriteIsReplacedByOneOnlyTheUserMayWrite() throws Exception {
        Path library = SqliteNative.cached(root).orElseThrow();
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(Optional.of(library), SqliteNative.cached(root));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(library)));
    }

    @Test
    void aCacheUnderAFolderOthersMayWriteIsNotUsedNorMade() throws Exception {
        Path shared = Files.createDirectory(root.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), SqliteNative.cached(shared.resolve("cache")));
        assertEmpty(shared, "nothing is made in it");
    }

    @Test
    void aCacheUnderAStickyFolderAsTmpIsUsed() throws Exception {
        Path sticky = Files.createDirectory(root.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        assertTrue(SqliteNative.cached(sticky.resolve("cache")).isPresent());
    }

    @Test
    void aCacheFolderOthersMayWriteIsNotUsed() throws Exception {
        Path cache = Files.createDirectory(root.resolve("smtp-monitor"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), SqliteNative.cached(root));
        assertEmpty(cache, "nothing is written into it");
    }

    @Test
    void aCacheFolderThatIsASymbolicLinkIsNotUsed() throws Exception {
        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        Path cacheRoot = Files.createDirectory(root.resolve("cache"));
        Files.createSymbolicLink(cacheRoot.resolve("smtp-monitor"), elsewhere);
        assertEquals(Optional.empty(), SqliteNative.cached(cacheRoot));
        assertEmpty(elsewhere, "nothing is written through the link");
    }

    @Test
    void aServerLoadsTheCachedLibraryAndCopiesNothingIntoTheTemporaryDirectory() throws Exception {
        Path mail = Files.createDirectory(root.resolve("server-mail"));
        Files.writeString(mail.resolve("users.txt"), "alice@example.com\n", StandardCharsets.UTF_8);
        Path cache = Files.createDirectory(root.resolve("server-cache"));
        Path tmp = Files.createDirectory(root.resolve("server-tmp"));
        try (HeadlessServerProcess server = HeadlessServerProcess.start("export XDG_CACHE_HOME='" + cache + "'",
                List.of("-Djava.io.tmpdir=" + tmp), mail.resolve("users.txt"), "--mailbox-dir", mail.toString())) {
            Path library = library(cache);
            // The library the running JVM has mapped, while it runs (a copy of sqlite-jdbc's own would
            // be deleted at its exit).
            List<String> mapped = Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "maps")).stream()
                    .filter(line -> line.contains("sqlitejdbc")).map(line -> line.replaceFirst("^.*? (/.*)$", "$1"))
                    .distinct().toList();
            assertEquals(List.of(library.toString()), mapped);
            try (Stream<Path> files = Files.list(tmp); Stream<Path> beside = Files.list(library.getParent())) {
                assertEquals(List.of(), files.toList());
                assertEquals(List.of(library), beside.toList());
            }
        }
    }

    @Test
    void theCommandLineListsMailWithTheCachedLibraryAndLeavesNoCopyInTheTemporaryDirectory() throws Exception {
        Path mail = Files.createDirectory(root.resolve("mail"));
        // A monitor started and stopped once leaves the mailboxes of its users file, indexed.
        TestMonitor.start(mail).close();
        Path cache = Files.createDirectory(root.resolve("xdg-cache"));
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        for (int run = 1; run <= 2; run++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "mailbox", "list", "--mailbox-dir", mail.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("XDG_CACHE_HOME", cache.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("alice@example.com"), output);
            try (Stream<Path> files = Files.list(tmp)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertFalse(names.stream().anyMatch(name -> name.startsWith("sqlite-")), "run " + run + ": " + names);
            }
            assertArrayEquals(jarLibrary(), Files.readAllBytes(library(cache)));
        }
    }
}
