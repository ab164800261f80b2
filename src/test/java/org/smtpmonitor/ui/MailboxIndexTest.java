package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.StoredCopy;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** Finding messages in mailbox files, incrementally, and the headers shown for them. */
class MailboxIndexTest {

    @TempDir
    Path directory;

    static final String FIRST = "From alice@x.org Tue Nov 24 08:00:00 2026\n"
            + "From: Alice <alice@x.org>\nTo: bob@example.com\nSubject: =?ISO-8859-1?Q?caf=E9_?=\n =?UTF-8?B?4piV?=\n"
            + "Date: Tue, 24 Nov 2026 08:00:00 +0000\n\nbody\n>From here on, quoted\n\n";
    static final String SECOND = "From carol@x.org Tue Nov 24 08:01:00 2026\r\n"
            + "Subject: second\r\n\r\nbody\r\nFrom here on: not a new message, not after a blank line\r\n\r\n";

    private MailboxIndex.MailboxState refresh(MailboxIndex index, Path file) throws Exception {
        return index.refresh(Files.size(file), Files.getLastModifiedTime(file).toMillis());
    }

    @Test
    void mboxIsSplitAtFromLinesAndHeadersAreDecoded() throws Exception {
        Path file = directory.resolve("bob.txt");
        Files.writeString(file, FIRST + SECOND, StandardCharsets.UTF_8);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.MBOX);
        MailboxIndex.MailboxState state = refresh(index, file);
        assertEquals(2, state.messages());
        assertFalse(state.unknownContent());
        List<MessageSummary> rows = index.rows();
        MessageSummary first = rows.get(0);
        assertEquals(0, first.offset());
        assertEquals(FIRST.getBytes(StandardCharsets.UTF_8).length, first.length());
        assertEquals("Alice <alice@x.org>", first.from());
        assertEquals("café ☕", first.subject(), "Q and B words, the space between them dropped");
        assertEquals("Tue, 24 Nov 2026 08:00:00 +0000", first.date());
        assertEquals("second", rows.get(1).subject());
        assertEquals(Files.size(file) - first.length(), rows.get(1).length());
    }

    @Test
    void mboxGrowthIsReadIncrementallyAndAShrunkFileIsReadAgain() throws Exception {
        Path file = directory.resolve("bob.txt");
        Files.writeString(file, FIRST, StandardCharsets.UTF_8);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.MBOX);
        assertEquals(1, refresh(index, file).messages());
        Files.writeString(file, SECOND, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(2, refresh(index, file).messages());
        Files.writeString(file, SECOND, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(3, refresh(index, file).messages());
        assertEquals(List.of("café ☕", "second", "second"), index.rows().stream().map(MessageSummary::subject).toList());

        Files.writeString(file, SECOND, StandardCharsets.UTF_8);
        MailboxIndex.MailboxState state = refresh(index, file);
        assertEquals(1, state.messages());
        assertEquals(1, state.generation(), "a shrunk file is a new generation");
    }

    @Test
    void rawMailboxIsSplitWhereCopiesWereStoredAndEarlierMailIsOneUnknownRow() throws Exception {
        Path file = directory.resolve("alice.txt");
        String earlier = "Subject: from before\r\n\r\nold\r\n";
        String one = "Subject: one\r\n\r\n1\r\n";
        String two = "Subject: two\r\n\r\n2\r\n";
        Files.writeString(file, earlier + one, StandardCharsets.US_ASCII);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(earlier.length(), one.length());
        MailboxIndex.MailboxState state = refresh(index, file);
        assertEquals(1, state.messages());
        assertTrue(state.unknownContent());
        List<MessageSummary> rows = index.rows();
        assertFalse(rows.get(0).known());
        assertEquals(earlier.length(), rows.get(0).length());
        assertEquals("one", rows.get(1).subject());

        // Bytes on disk before their delivery is announced are shown as unknown, then split once it is.
        Files.writeString(file, two, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        state = refresh(index, file);
        assertEquals(1, state.messages());
        assertEquals(3, index.rows().size());
        index.copyStored(earlier.length() + one.length(), two.length());
        state = refresh(index, file);
        assertEquals(2, state.messages());
        assertEquals(List.of("(earlier mail: message boundaries unknown)", "one", "two"),
                index.rows().stream().map(MessageSummary::subject).toList());
    }

    @Test
    void anEmptyRawMessageIsARowOfItsOwnBeforeTheMessageAfterIt() throws Exception {
        Path file = directory.resolve("alice@example.com.txt");
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        Settings settings = TestMonitor.settings(directory, MailboxFormat.RAW, 1_000_000, 10, Duration.ofSeconds(30), false);
        String second = "Subject: after the empty one\r\n\r\nbody\r\n";
        try (TestMonitor monitor = TestMonitor.start(directory, settings, event -> {
                if (event instanceof MessageDelivered delivered) {
                    for (StoredCopy copy : delivered.copies()) {
                        index.copyStored(copy.offset(), copy.length());
                    }
                }
            });
             RawSmtpClient client = monitor.ehloClient()) {
            // DATA and at once the final dot: a message of 0 bytes, stored at the offset where the next one goes too.
            String empty = client.sendMessage("me@test.org", List.of("alice@example.com"), "");
            String next = client.sendMessage("me@test.org", List.of("alice@example.com"), second);
            for (String reply : List.of(empty, next)) {
                String queueId = reply.substring(reply.lastIndexOf(' ') + 1);
                monitor.events().await(MessageDelivered.class, d -> d.queueId().equals(queueId));
            }
        }
        MailboxIndex.MailboxState state = refresh(index, file);
        assertEquals(2, state.messages());
        assertFalse(state.unknownContent());
        List<MessageSummary> rows = index.rows();
        assertEquals(List.of(0L, (long) second.length()), rows.stream().map(MessageSummary::length).toList());
        assertEquals(List.of(0L, 0L), rows.stream().map(MessageSummary::offset).toList());
        assertEquals(List.of("", "after the empty one"), rows.stream().map(MessageSummary::subject).toList());
    }

    @Test
    void twoEmptyRawMessagesInARowAreTwoRows() throws Exception {
        Path file = directory.resolve("alice.txt");
        String one = "Subject: one\r\n\r\n1\r\n";
        Files.writeString(file, one, StandardCharsets.US_ASCII);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(0, 0);
        index.copyStored(0, 0);
        index.copyStored(0, one.length());
        index.copyStored(one.length(), 0);
        assertEquals(4, refresh(index, file).messages());
        assertEquals(List.of(0L, 0L, (long) one.length(), 0L), index.rows().stream().map(MessageSummary::length).toList());
    }

    @Test
    void anEmptyRawMessageAnnouncedAfterTheOneStoredBehindItWasIndexedStillGetsItsRow() throws Exception {
        Path file = directory.resolve("alice.txt");
        String one = "Subject: one\r\n\r\n1\r\n";
        String two = "Subject: two\r\n\r\n2\r\n";
        Files.writeString(file, one + two, StandardCharsets.US_ASCII);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(0, one.length());
        index.copyStored(one.length(), two.length());
        assertEquals(2, refresh(index, file).messages());
        // The empty message's session finished last, though its 0 bytes went in before "two".
        index.copyStored(one.length(), 0);
        assertEquals(3, refresh(index, file).messages());
        assertEquals(List.of("one", "", "two"), index.rows().stream().map(MessageSummary::subject).toList());
        assertEquals(List.of((long) one.length(), 0L, (long) two.length()),
                index.rows().stream().map(MessageSummary::length).toList());
    }

    @Test
    void aHeaderBlockLongerThanTheFirstReadIsReadWhole() throws Exception {
        Path file = directory.resolve("alice.txt");
        String longHeaders = "X-Trace: " + "t".repeat(9000) + "\r\nSubject: after a long header\r\n\r\nbody\r\n";
        String small = "Subject: small\r\n\r\n" + "b".repeat(20_000) + "\r\n";
        Files.writeString(file, longHeaders + small, StandardCharsets.US_ASCII);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(0, longHeaders.length());
        index.copyStored(longHeaders.length(), small.length());
        assertEquals(2, refresh(index, file).messages());
        assertEquals(List.of("after a long header", "small"),
                index.rows().stream().map(MessageSummary::subject).toList());
    }

    @Test
    void aRawMailboxHasItsHeadersReadWhenItsRowsAreAskedForAndOnlyOnce() throws Exception {
        Path file = directory.resolve("alice.txt");
        Files.writeString(file, "Subject: AAAA\r\n\r\nx\r\n", StandardCharsets.US_ASCII);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(0, Files.size(file));
        assertEquals(1, refresh(index, file).messages(), "counted without reading its headers");
        // Same length, other bytes: what the rows show is what the file says when they are asked for ...
        Files.writeString(file, "Subject: BBBB\r\n\r\nx\r\n", StandardCharsets.US_ASCII);
        assertEquals("BBBB", index.rows().get(0).subject());
        // ... and those headers are kept, not read again.
        Files.writeString(file, "Subject: CCCC\r\n\r\nx\r\n", StandardCharsets.US_ASCII);
        assertEquals("BBBB", index.rows().get(0).subject());
    }

    @Test
    void rawCopiesAnnouncedOutOfFileOrderAreAllCounted() throws Exception {
        Path file = directory.resolve("carol.txt");
        String one = "Subject: one\r\n\r\n1\r\n";
        String two = "Subject: two\r\n\r\n2\r\n";
        String three = "Subject: three\r\n\r\n3\r\n";
        Files.writeString(file, one + two + three, StandardCharsets.US_ASCII);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(one.length(), two.length());
        index.copyStored(one.length() + two.length(), three.length());
        MailboxIndex.MailboxState state = refresh(index, file);
        assertEquals(2, state.messages());
        assertEquals(List.of("(earlier mail: message boundaries unknown)", "two", "three"),
                index.rows().stream().map(MessageSummary::subject).toList());

        index.copyStored(0, one.length()); // the first session's announcement comes last
        state = refresh(index, file);
        assertEquals(3, state.messages());
        assertFalse(state.unknownContent());
        assertEquals(List.of("one", "two", "three"), index.rows().stream().map(MessageSummary::subject).toList());
    }

    @Test
    void bigMboxIsIndexedWithoutReadingItWhole() throws Exception {
        Path file = directory.resolve("big.txt");
        StringBuilder message = new StringBuilder("From a@b Tue Nov 24 08:00:00 2026\nSubject: big\n\n");
        message.append("x".repeat(1000)).append('\n').append("y".repeat(50_000)).append("\n\n");
        try (var out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < 200; i++) {
                out.write(message.toString());
            }
        }
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.MBOX);
        assertEquals(200, refresh(index, file).messages());
        MessageSummary last = index.rows().get(199);
        String source = PreviewViewModel.readSource(file, last.offset(), last.length());
        assertTrue(source.startsWith("From a@b "));
        assertEquals(last.length(), source.length(), "a message under the limit is shown whole");
    }

    @Test
    void sourceOfAHugeMessageIsCappedAndSaysSo() throws Exception {
        Path file = directory.resolve("huge.txt");
        Files.writeString(file, "Subject: huge\n\n" + "z".repeat(PreviewViewModel.SOURCE_LIMIT * 2));
        String source = PreviewViewModel.readSource(file, 0, Files.size(file));
        assertTrue(source.length() < PreviewViewModel.SOURCE_LIMIT + 200);
        assertTrue(source.strip().endsWith("[… the first 256.0 KB of 512.0 KB are shown]"), source.substring(source.length() - 80));
    }

    @Test
    void controlAndBidiCharactersInHeadersAreShownEscaped() throws Exception {
        Path file = directory.resolve("alice.txt");
        String message = "From: \u202eevil@x.org\r\nSubject: invoice\u202egpj.exe\u001b[2J =?UTF-8?Q?=07=C2=9B?=\r\n\r\nbody\r\n";
        Files.writeString(file, message, StandardCharsets.UTF_8);
        MailboxIndex index = new MailboxIndex(file, MailboxFormat.RAW);
        index.copyStored(0, Files.size(file));
        refresh(index, file);
        MessageSummary row = index.rows().get(0);
        assertEquals("\\u202eevil@x.org", row.from());
        assertEquals("invoice\\u202egpj.exe\\x1b[2J \\x07\\x9b", row.subject());
    }
}
