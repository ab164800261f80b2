package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.message.IndexedMessage;

/**
 * The index brought in line with a mailbox at start when the server was killed while
 * copies reached the index out of the order of their file: sessions wait for the disk on
 * different threads, so the copy appended second may be indexed first, and a kill then
 * leaves the first one in the file and not in the index, below the index's end.
 */
class IndexReconcilerTest {

    private static final String ADDRESS = "bob@example.com";

    @TempDir
    Path directory;

    private static byte[] message(int n) {
        return ("From: s" + n + "@test\r\nSubject: message " + n + "\r\n\r\nbody " + n + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] framed(MailboxFormat format, int n) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        format.write("s" + n + "@test", Instant.parse("2026-11-30T08:00:00Z"), message(n), out);
        return out.toByteArray();
    }

    private static MessageIndex.NewEntry place(long start, long end) {
        return new MessageIndex.NewEntry(new IndexedMessage(0, ADDRESS, start, end - start, end - start,
                Instant.EPOCH, "", 0, "", "", "", List.of(ADDRESS), "", "", "", "", "", ""), null);
    }

    private static List<long[]> rows(MessageIndex index) throws Exception {
        List<long[]> rows = new ArrayList<>();
        for (IndexedMessage row : index.newest(ADDRESS, 0, Integer.MAX_VALUE)) {
            rows.add(new long[] {row.offset(), row.offset() + row.length()});
        }
        rows.sort(Comparator.comparingLong(r -> r[0]));
        return rows;
    }

    private static List<String> text(List<long[]> places) {
        return places.stream().map(p -> p[0] + "-" + p[1]).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(MailboxFormat.class)
    void aMessageTheIndexMissedBelowItsEndIsIndexedAtTheNextStartAndNoneTwice(MailboxFormat format) throws Exception {
        Path file = directory.resolve(ADDRESS + ".txt");
        List<long[]> places = new ArrayList<>();
        AppendJournal journal = new AppendJournal(file);
        Files.createDirectories(journal.file().getParent());
        Files.write(file, new byte[0]);
        long identity = identity(file);
        for (int n = 1; n <= 4; n++) {
            byte[] bytes = framed(format, n);
            long start = Files.size(file);
            journal.appending(identity, start, start + bytes.length);
            Files.write(file, bytes, java.nio.file.StandardOpenOption.APPEND);
            places.add(new long[] {start, start + bytes.length});
        }
        journal.close();
        try (MessageIndex index = MessageIndex.open(directory)) {
            // The first copy, then the third and the fourth reached the index; the second never did.
            index.add(List.of(place(places.get(0)[0], places.get(0)[1])), Map.of(ADDRESS, identity));
            index.add(List.of(place(places.get(2)[0], places.get(2)[1]), place(places.get(3)[0], places.get(3)[1])),
                    Map.of(ADDRESS, identity));

            long unindexed = IndexReconciler.reconcile(index, ADDRESS, file, format);

            assertEquals(text(places), text(rows(index)), "every message of the file, once, where it lies");
            assertEquals(0, unindexed);
            assertEquals(Map.of(ADDRESS, 4L), index.counts());
            IndexReconciler.reconcile(index, ADDRESS, file, format);
            assertEquals(text(places), text(rows(index)), "a second start adds nothing");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(MailboxFormat.class)
    void bytesBeforeTheFirstIndexedMessageThatNoRecordExplainsAreCountedNotGuessed(MailboxFormat format)
            throws Exception {
        Path file = directory.resolve(ADDRESS + ".txt");
        // Mail stored before the index and its journal: where its messages lie is not known in raw.
        byte[] earlier = format == MailboxFormat.MBOX ? framed(format, 1)
                : "Subject: old\r\n\r\nold mail\r\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(file, earlier);
        long identity = identity(file);
        byte[] next = framed(format, 2);
        AppendJournal journal = new AppendJournal(file);
        Files.createDirectories(journal.file().getParent());
        journal.appending(identity, earlier.length, earlier.length + next.length);
        journal.close();
        Files.write(file, next, java.nio.file.StandardOpenOption.APPEND);
        try (MessageIndex index = MessageIndex.open(directory)) {
            index.add(List.of(place(earlier.length, earlier.length + next.length)), Map.of(ADDRESS, identity));

            long unindexed = IndexReconciler.reconcile(index, ADDRESS, file, format);

            if (format == MailboxFormat.MBOX) {
                assertEquals(List.of("0-" + earlier.length, earlier.length + "-" + (earlier.length + next.length)),
                        text(rows(index)), "mbox shows where its first message lies");
                assertEquals(0, unindexed);
            } else {
                assertEquals(List.of(earlier.length + "-" + (earlier.length + next.length)), text(rows(index)));
                assertEquals(earlier.length, unindexed, "the earlier raw mail is counted as unindexed");
            }
            assertEquals(unindexed, IndexReconciler.reconcile(index, ADDRESS, file, format), "and so at every start");
        }
    }

    private static long identity(Path file) throws Exception {
        return AppendJournal.identity(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey());
    }
}
