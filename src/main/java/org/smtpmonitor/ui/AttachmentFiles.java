package org.smtpmonitor.ui;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.smtpmonitor.app.AtomicFiles;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Part;

/**
 * Writes the decoded bodies of a message's parts to files: where the user chose, every one in
 * a chosen folder, or a copy to open with the desktop's application. File I/O: call it off
 * the FX thread. Names from mail go through {@link FileNames} and never leave their folder.
 */
final class AttachmentFiles {

    /** Copies to open live here, in the mailbox directory: the window writes nowhere else of its own accord. */
    static final Path OPEN_FOLDER = Path.of(".smtp-monitor", "open");

    /**
     * Types a desktop runs rather than shows: opening one from mail would run a stranger's
     * program, so they can only be saved (and then opened by someone who trusts them).
     */
    private static final Set<String> RUNNABLE = Set.of("exe", "com", "bat", "cmd", "scr", "pif", "cpl", "msi", "msp",
            "msc", "hta", "jar", "js", "jse", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "lnk", "url", "reg", "inf",
            "scf", "sh", "bash", "zsh", "csh", "ksh", "command", "tool", "app", "desktop", "run", "bin", "appimage",
            "deb", "rpm", "pkg", "dmg", "py", "pl", "rb", "php", "elf", "so", "dll", "sys", "library-ms",
            "application", "gadget", "iso", "img", "vhd", "vhdx");

    private AttachmentFiles() {
    }

    /** Saves the part at {@code target}, replacing what the user chose to replace only once the new file is whole. */
    static long save(ParsedMessage message, Part part, Path target) throws IOException {
        return AtomicFiles.write(target, out -> message.writeDecodedBody(part, out));
    }

    /** Saves each part in {@code folder} under its safe name, made free if taken; returns the files written. */
    static List<Path> saveAll(ParsedMessage message, List<Part> parts, Path folder) throws IOException {
        Path base = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            throw new IOException(base + " is not a folder");
        }
        List<Path> written = new ArrayList<>();
        for (Part part : parts) {
            Path file = FileNames.freeIn(base, FileNames.of(part));
            boolean done = false;
            // CREATE_NEW: never replaces a file, nor follows a link someone put there meanwhile.
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), 64 * 1024)) {
                message.writeDecodedBody(part, out);
                done = true;
            } finally {
                if (!done) {
                    Files.deleteIfExists(file);
                }
            }
            written.add(file);
        }
        return written;
    }

    /**
     * Writes a copy of the part to open, under the mailbox directory's {@link #OPEN_FOLDER}, in a
     * folder of the message and part of its own (so the copy keeps its name, and opening it
     * again replaces it).
     *
     * @throws IOException when the part is of a type that runs, or the copy cannot be written
     */
    static Path copyToOpen(Path mailboxDirectory, long messageId, ParsedMessage message, Part part)
            throws IOException {
        String name = FileNames.of(part);
        if (isRunnable(name)) {
            throw new IOException(name + " is a program or script, which is not opened from mail; save it instead");
        }
        pruneOlderThanADay(PrivateFolders.make(mailboxDirectory, OPEN_FOLDER));
        Path file = PrivateFolders.make(mailboxDirectory, OPEN_FOLDER.resolve(messageId + "-" + part.path())).resolve(name);
        AtomicFiles.write(file, out -> message.writeDecodedBody(part, out));
        return file;
    }

    /**
     * Removes the copies opened more than a day ago: an application has long read them by then,
     * and without this they would pile up in the mailbox directory. What cannot be removed stays.
     */
    private static void pruneOlderThanADay(Path openFolder) {
        FileTime dayAgo = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(openFolder)) {
            for (Path copy : copies) {
                BasicFileAttributes attributes = Files.readAttributes(copy, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isDirectory() || attributes.lastModifiedTime().compareTo(dayAgo) > 0) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(copy)) {
                    for (Path file : files) {
                        Files.deleteIfExists(file); // a link is removed, never followed
                    }
                }
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            // Old copies stay until the next time; opening this one matters more.
        }
    }

    /** Whether the desktop would run a file of this name rather than show it. */
    static boolean isRunnable(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && RUNNABLE.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
