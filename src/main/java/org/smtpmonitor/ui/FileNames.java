package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.smtpmonitor.message.Part;

/**
 * File names for attachments, which come from mail and so are hostile: a name may climb out of
 * a folder ({@code ../../.bashrc}), hide itself ({@code .profile}), carry control characters or
 * bidi marks that disguise its type ({@code gpj.exe} reversed), or be a device on Windows
 * ({@code CON}). {@link #safe} keeps what a person would recognise of it and nothing else.
 */
final class FileNames {

    /** Bytes of a name in UTF-8: most file systems allow 255. */
    static final int MAX_BYTES = 200;

    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3",
            "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7",
            "lpt8", "lpt9");
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(Map.entry("text/plain", "txt"),
            Map.entry("text/html", "html"), Map.entry("text/csv", "csv"), Map.entry("text/calendar", "ics"),
            Map.entry("application/pdf", "pdf"), Map.entry("application/zip", "zip"),
            Map.entry("application/json", "json"), Map.entry("image/png", "png"), Map.entry("image/jpeg", "jpg"),
            Map.entry("image/gif", "gif"), Map.entry("image/webp", "webp"), Map.entry("image/svg+xml", "svg"),
            Map.entry("message/rfc822", "eml"));

    private FileNames() {
    }

    /** A safe name for a part's file: its own name made safe, or one made of its place and type. */
    static String of(Part part) {
        return safe(part.filename(), "part-" + part.path() + "." + EXTENSIONS.getOrDefault(part.contentType(), "bin"));
    }

    /**
     * {@code name} as a plain file name: its last path segment, without control characters,
     * bidi marks or characters Windows forbids, without leading dots or trailing dots and
     * spaces, not a Windows device, at most {@link #MAX_BYTES} bytes with its extension kept;
     * {@code fallback} when nothing is left.
     */
    static String safe(String name, String fallback) {
        String last = name == null ? "" : name;
        int slash = Math.max(last.lastIndexOf('/'), last.lastIndexOf('\\'));
        last = last.substring(slash + 1);
        StringBuilder kept = new StringBuilder(last.length());
        last.codePoints().forEach(c -> {
            if (!isHidden(c)) {
                kept.appendCodePoint("<>:\"|?*".indexOf(c) >= 0 ? '_' : c);
            }
        });
        String safe = kept.toString().strip().replaceAll("^[.\\s]+", "").replaceAll("[.\\s]+$", "");
        if (safe.isEmpty()) {
            return fallback;
        }
        String stem = safe.contains(".") ? safe.substring(0, safe.indexOf('.')) : safe;
        if (WINDOWS_DEVICES.contains(stem.toLowerCase(Locale.ROOT))) {
            safe = "_" + safe;
        }
        return shortened(safe);
    }

    /** Control characters, bidi and other invisible formatting characters. */
    private static boolean isHidden(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private static String shortened(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        while (!stem.isEmpty() && (stem + extension).getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            stem = stem.substring(0, stem.offsetByCodePoints(stem.length(), -1));
        }
        return stem + extension;
    }

    /**
     * A path for {@code name} (a name {@link #safe} gave) directly inside {@code folder} that
     * names nothing yet: {@code report (2).pdf} when {@code report.pdf} is taken.
     *
     * @throws IOException when the path would not be directly inside the folder (it never is, for a safe name)
     */
    static Path freeIn(Path folder, String name) throws IOException {
        Path base = folder.toAbsolutePath().normalize();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 1; ; n++) {
            Path candidate = base.resolve(n == 1 ? name : stem + " (" + n + ")" + extension).normalize();
            if (!base.equals(candidate.getParent())) {
                throw new IOException("the file name " + name + " would leave the folder " + base);
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }
}
