package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.StoredCopy;

/** The mboxrd framing the store writes with --format mbox. */
class MboxFramingTest {

    private static final Pattern FROM_LINE =
            Pattern.compile("From (\\S+) ([A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4})\n");

    @TempDir
    Path directory;

    private String stored(String sender, String data) throws Exception {
        MailboxStore store = new MailboxStore(directory, MailboxFormat.MBOX, List.of(new User("alice@example.com", 1)),
                "localhost");
        store.createMailboxes();
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        List<StoredCopy> copies = store.deliver(new Envelope("Q.1", "client.test", sender, List.of("alice@example.com")),
                bytes, bytes.length);
        String file = Files.readString(directory.resolve("alice@example.com.txt"), StandardCharsets.ISO_8859_1);
        assertEquals(file.length(), copies.get(0).length(), "the copy is the whole framed message");
        return file;
    }

    @Test
    void messageIsPrecededByAFromLineWithSenderAndUtcDateAndFollowedByABlankLine() throws Exception {
        Instant before = Instant.now();
        String file = stored("a@client.test", "Subject: hi\r\n\r\nbody\r\n");
        Matcher from = FROM_LINE.matcher(file);
        assertTrue(from.lookingAt(), file);
        assertEquals("a@client.test", from.group(1));
        Instant date = LocalDateTime.parse(from.group(2),
                DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)).toInstant(ZoneOffset.UTC);
        assertTrue(Duration.between(before, date).abs().getSeconds() <= 2, "date " + date + " is not now (UTC)");
        assertEquals("Subject: hi\r\n\r\nbody\r\n\n", file.substring(from.end()));
    }

    @Test
    void nullSenderIsWrittenAsMailerDaemon() throws Exception {
        assertTrue(stored("", "x\n").startsWith("From MAILER-DAEMON "));
    }

    @Test
    void fromLinesAreQuotedWithOneMoreGreaterThanSign() throws Exception {
        String data = "From first line\n"
                + "From the body\r\n"
                + ">From quoted once\n"
                + ">>From quoted twice\n"
                + "From\n"
                + "Fromage\n"
                + " From indented\n"
                + ">From\n"
                + "> From spaced\n"
                + "bare CR\rFrom not a line start in mbox\n"
                + "From last";
        String file = stored("a@client.test", data);
        String body = file.substring(file.indexOf('\n') + 1);
        assertEquals(">From first line\n"
                + ">From the body\r\n"
                + ">>From quoted once\n"
                + ">>>From quoted twice\n"
                + "From\n"
                + "Fromage\n"
                + " From indented\n"
                + ">From\n"
                + "> From spaced\n"
                + "bare CR\rFrom not a line start in mbox\n"
                + ">From last\n" // a message without a final newline gets one, then the blank line
                + "\n", body);
    }

    @Test
    void messagesFollowOneAnotherEachWithItsOwnFromLine() throws Exception {
        MailboxStore store = new MailboxStore(directory, MailboxFormat.MBOX, List.of(new User("alice@example.com", 1)),
                "localhost");
        store.createMailboxes();
        for (String sender : List.of("one@x.test", "two@x.test")) {
            byte[] data = ("Subject: " + sender + "\n\nhi\n").getBytes(StandardCharsets.US_ASCII);
            store.deliver(new Envelope("Q", "x.test", sender, List.of("alice@example.com")), data, data.length);
        }
        String file = Files.readString(directory.resolve("alice@example.com.txt"));
        String[] messages = file.split("(?m)(?=^From )");
        assertEquals(2, messages.length, file);
        assertTrue(messages[0].startsWith("From one@x.test ") && messages[0].endsWith("\nSubject: one@x.test\n\nhi\n\n"));
        assertTrue(messages[1].startsWith("From two@x.test ") && messages[1].endsWith("\nSubject: two@x.test\n\nhi\n\n"));
    }

    @Test
    void aLargeMessageIsFramedWholeAcrossTheWritesItTakes() throws Exception {
        // Lines of several lengths, so that quoted lines fall on and around the edges of the pieces written.
        StringBuilder data = new StringBuilder();
        StringBuilder quoted = new StringBuilder();
        for (int i = 0; data.length() < 1_200_000; i++) {
            String line = (i % 7 == 0 ? "From line " : "text ") + "x".repeat(i % 97) + (i % 3 == 0 ? "\r\n" : "\n");
            data.append(line);
            quoted.append(i % 7 == 0 ? ">" : "").append(line);
        }
        data.append("last line");
        quoted.append("last line\n\n");
        String file = stored("a@client.test", data.toString());
        assertEquals(quoted.toString(), file.substring(file.indexOf('\n') + 1));
    }
}
