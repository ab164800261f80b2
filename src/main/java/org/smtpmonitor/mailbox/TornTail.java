package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Finds and repairs the end of a mailbox that is not the end of a whole message: what a
 * crash in the middle of an append leaves. Such a message was never acknowledged, but a
 * message appended after it would be glued to it, and in mbox swallowed by it.
 *
 * <p>The bytes are never destroyed: when it is known where the cut message began (from
 * the {@link AppendJournal}, or in mbox from its {@code From } line) they are moved to
 * {@code <mailbox>.torn} beside the mailbox, and the mailbox is cut back to where the
 * message began. When that is not known (a raw mailbox that has no journal, because we
 * never wrote to it, or a power loss took the journal's last record), the file may well
 * be the user's own, and is only reported.
 */
final class TornTail {

    static final String SUFFIX = ".torn";
    private static final byte[] MBOX_MESSAGE_START = "\n\nFrom ".getBytes(StandardCharsets.US_ASCII);
    private static final int SCAN_CHUNK = 64 * 1024;

    private TornTail() {
    }

    /**
     * Checks the mailbox {@code file} (identified as {@code identity}) against the journal's
     * last {@code entry} and repairs it; returns what was done, for the log, or null when
     * the mailbox ends with a whole message.
     */
    static String repair(Path file, long identity, AppendJournal.Entry entry, MailboxFormat format,
                         Disk disk) throws IOException {
        long from;
        long size;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            size = in.size();
            if (size == 0) {
                return null;
            }
            boolean journalKnowsThisFile = entry != null && entry.identity() == identity;
            if (journalKnowsThisFile && entry.start() < size && size < entry.end()) {
                from = entry.start();
            } else if (journalKnowsThisFile && size == entry.end() || lastByte(in, size) == '\n') {
                return null;
            } else {
                from = format == MailboxFormat.MBOX ? lastMboxMessageStart(in, size) : -1;
            }
            if (from >= 0) {
                copyToQuarantine(file, in, from, size, disk);
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        String name = file.getFileName().toString();
        if (from < 0) {
            return "mailbox " + name + " ends in the middle of a line: if a crash cut a message short there, where it"
                    + " began is not known, so it was left as it is, and the next message will follow it";
        }
        try (FileChannel mailbox = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            mailbox.truncate(from);
            disk.sync(mailbox);
        } catch (IOException e) {
            // An append-only file (chattr +a) cannot be cut back: keep the next message apart.
            seal(file, format, disk);
            return "mailbox " + name + " ended in a message cut short by a crash (" + (size - from) + " bytes from byte "
                    + from + ", never acknowledged): copied to " + name + SUFFIX + ", but it could not be cut from the"
                    + " mailbox (" + e.getMessage() + "), so a line break was added after it";
        }
        return "mailbox " + name + " ended in a message cut short by a crash (" + (size - from) + " bytes from byte "
                + from + ", never acknowledged): moved to " + name + SUFFIX;
    }

    private static void copyToQuarantine(Path file, FileChannel in, long from, long size, Disk disk)
            throws IOException {
        Path torn = file.resolveSibling(file.getFileName() + SUFFIX);
        boolean created = !Files.exists(torn, LinkOption.NOFOLLOW_LINKS);
        try (FileChannel out = FileChannel.open(torn, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS)) {
            for (long at = from; at < size; ) {
                at += in.transferTo(at, size - at, out);
            }
            disk.sync(out);
        }
        if (created) {
            disk.syncDirectory(file.getParent());
        }
    }

    /** Ends the torn message's line (and in mbox, the message) so the next one starts apart from it. */
    private static void seal(Path file, MailboxFormat format, Disk disk) throws IOException {
        byte[] end = (format == MailboxFormat.MBOX ? "\n\n" : "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.wrap(end);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            disk.sync(out);
        }
    }

    private static int lastByte(FileChannel in, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return in.read(one, size - 1) == 1 ? one.get(0) : -1;
    }

    /**
     * Where the last message of an mbox file begins: its {@code From } line follows a
     * blank line (mboxrd quotes any other line that starts so), or starts the file. -1
     * when the file has no such line: then it is not known where a message begins.
     */
    static long lastMboxMessageStart(FileChannel in, long size) throws IOException {
        int overlap = MBOX_MESSAGE_START.length - 1;
        ByteBuffer buffer = ByteBuffer.allocate(SCAN_CHUNK + overlap);
        for (long end = size; end > 0; ) {
            long begin = Math.max(0, end - SCAN_CHUNK);
            int length = (int) (Math.min(size, end + overlap) - begin);
            buffer.clear().limit(length);
            while (buffer.hasRemaining() && in.read(buffer, begin + buffer.position()) > 0) {
                // read on
            }
            byte[] bytes = buffer.array();
            for (int i = buffer.position() - MBOX_MESSAGE_START.length; i >= 0; i--) {
                if (matches(bytes, i)) {
                    return begin + i + 2;
                }
            }
            end = begin;
        }
        ByteBuffer start = ByteBuffer.allocate(5);
        in.read(start, 0);
        return new String(start.array(), StandardCharsets.US_ASCII).equals("From ") ? 0 : -1;
    }

    private static boolean matches(byte[] bytes, int at) {
        for (int j = 0; j < MBOX_MESSAGE_START.length; j++) {
            if (bytes[at + j] != MBOX_MESSAGE_START[j]) {
                return false;
            }
        }
        return true;
    }
}
