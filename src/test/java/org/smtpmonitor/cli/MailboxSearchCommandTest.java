package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** {@code mailbox search} with fields and dates, over mail a real server took. */
class MailboxSearchCommandTest {

    private static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;

    private CommandRun search(String query, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "mailbox";
        args[1] = "search";
        args[2] = query;
        System.arraycopy(more, 0, args, 3, more.length);
        args[3 + more.length] = "--mailbox-dir";
        args[4 + more.length] = directory.toString();
        return CommandRun.run("", args);
    }

    private List<String> subjects(String query) {
        CommandRun run = search(query, "--json");
        assertEquals(0, run.exit(), query + ": " + run.err());
        return Pattern.compile("\"subject\":\"([^\"]*)\"").matcher(run.out()).results().map(r -> r.group(1)).toList();
    }

    @Test
    void fieldsNarrowAndDatesBoundTheReceivedDay() throws Exception {
        LocalDate day = LocalDate.now();
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            try (RawSmtpClient client = monitor.ehloClient()) {
                send(client, "ann@client.test", "Ann <ann@client.test>", "Weekly report", "figures for the quarter");
                send(client, "bob@client.test", "Bob <bob@client.test>", "Lunch", "the weekly report is late");
                send(client, "bob@client.test", "Bob <bob@client.test>", "Invoice", "please pay");
            }
            monitor.monitor().store().awaitIndexed();
        }
        assertEquals(List.of("Lunch", "Weekly report"), subjects("weekly"), "free words: subject or body");
        assertEquals(List.of("Weekly report"), subjects("subject:\"weekly report\""));
        assertEquals(List.of("Lunch"), subjects("body:weekly"), "body words only");
        assertEquals(List.of("Invoice", "Lunch"), subjects("from:BOB@client"), "the sender, any case");
        assertEquals(List.of("Lunch"), subjects("from:bob weekly"), "fields and words together");
        assumeTrue(day.equals(LocalDate.now()), "the mail was sent across midnight");
        String today = day.toString();
        String tomorrow = day.plusDays(1).toString();
        assertEquals(3, subjects("after:" + today).size());
        assertEquals(3, subjects("before:" + tomorrow).size());
        assertEquals(List.of(), subjects("after:" + tomorrow));
        assertEquals(List.of(), subjects("before:" + today), "before is exclusive");

        CommandRun bad = search("after:30/11/2026");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("smtp-monitor: 'after:30/11/2026'") && bad.err().contains("YYYY-MM-DD"),
                bad.err());
    }

    private static void send(RawSmtpClient client, String sender, String from, String subject, String body)
            throws Exception {
        String message = "From: " + from + "\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n";
        assertTrue(client.sendMessage(sender, List.of(ALICE), message).startsWith("250 "));
    }
}
