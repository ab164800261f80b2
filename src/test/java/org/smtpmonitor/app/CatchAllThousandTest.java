package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.MailboxAdded;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * A catch-all domain and 1,000 addresses no users file lists, sent by Python's smtplib in
 * ten messages of 100 recipients: a mailbox file each, holding its message once and nothing
 * else, listed by the index, and found again by the next start; and the server keeps no more
 * than a bounded number of those files open meanwhile.
 */
class CatchAllThousandTest {

    private static final int RECIPIENTS = 1000;
    private static final int PER_MESSAGE = 100;

    @TempDir
    Path directory;

    private static final String SENDER = """
            import smtplib, sys
            port = int(sys.argv[1])
            with smtplib.SMTP('127.0.0.1', port, timeout=60) as smtp:
                for batch in range(%d):
                    recipients = ['r%%04d@catch.test' %% (batch * %d + i) for i in range(%d)]
                    message = 'Subject: batch %%d\\r\\nMessage-ID: <b%%d@client.test>\\r\\n\\r\\nbatch %%d\\r\\n' %% (batch, batch, batch)
                    refused = smtp.sendmail('sender@client.test', recipients, message)
                    print(batch, len(refused))
            """.formatted(RECIPIENTS / PER_MESSAGE, PER_MESSAGE, PER_MESSAGE);

    private static String address(int i) {
        return String.format("r%04d@catch.test", i);
    }

    private static String message(int batch) {
        return "Subject: batch " + batch + "\r\nMessage-ID: <b" + batch + "@client.test>\r\n\r\nbatch " + batch + "\r\n";
    }

    private Set<String> mailboxFiles() throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            // Mailbox files: the users file and the script's output are there too.
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".txt") && n.contains("@"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void aThousandCaughtAddressesGetAMailboxEachWithTheirMessageOnceAndAreFoundAgainAfterARestart() throws Exception {
        Python.assumeInstalled();
        Files.writeString(directory.resolve("users.txt"), "alice@example.com\n*@catch.test\n");
        Set<String> expectedFiles = new TreeSet<>();
        expectedFiles.add("alice@example.com.txt");
        for (int i = 0; i < RECIPIENTS; i++) {
            expectedFiles.add(address(i) + ".txt");
        }
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            long openBefore = openFiles();
            String out = Python.run(directory, SENDER, String.valueOf(monitor.port()));
            List<String> expectedOut = new ArrayList<>();
            for (int batch = 0; batch < RECIPIENTS / PER_MESSAGE; batch++) {
                expectedOut.add(batch + " 0");
            }
            assertEquals(expectedOut, out.lines().toList(), "every recipient accepted, every message 250");
            // Two descriptors (file and journal) for each of at most 256 mailboxes kept open, not 2,000.
            long grown = openFiles() - openBefore;
            assertTrue(grown <= 2 * 256 + 64, "open files grew by " + grown + " for " + RECIPIENTS + " mailboxes");

            assertSameFiles(expectedFiles, mailboxFiles());
            for (int i = 0; i < RECIPIENTS; i++) {
                assertEquals(message(i / PER_MESSAGE), Files.readString(directory.resolve(address(i) + ".txt"),
                        StandardCharsets.ISO_8859_1), address(i));
            }
            assertEquals(0, Files.size(directory.resolve("alice@example.com.txt")));

            Set<String> announced = new TreeSet<>();
            for (var event : monitor.events().all()) {
                if (event instanceof MailboxAdded added) {
                    assertTrue(announced.add(added.address()), "announced twice: " + added.address());
                }
            }
            assertEquals(RECIPIENTS, announced.size());

            monitor.monitor().store().awaitIndexed();
            assertEachListedOnce(monitor.monitor().mail());
        }

        try (TestMonitor again = TestMonitor.start(directory)) {
            assertEachListedOnce(again.monitor().mail());
            try (RawSmtpClient client = again.ehloClient()) {
                assertEquals("250 OK: queued as", client.sendMessage("s@client.test", List.of("R0500@CATCH.test"),
                        "second\r\n").substring(0, 17));
            }
            assertSameFiles(expectedFiles, mailboxFiles());
            assertEquals(message(5) + "second\r\n", Files.readString(directory.resolve(address(500) + ".txt"),
                    StandardCharsets.ISO_8859_1));
            assertTrue(again.events().all().stream().noneMatch(MailboxAdded.class::isInstance),
                    "no mailbox is new after the restart");
        }
    }

    /** How many files this process has open (the server runs in it); Linux's count. */
    private static long openFiles() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The same set of files; else the difference, not 1,000 names. */
    private static void assertSameFiles(Set<String> expected, Set<String> found) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(found);
        Set<String> extra = new TreeSet<>(found);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing " + missing + ", not expected " + extra);
    }

    /** The index lists alice and each caught address, with one message each (alice none). */
    private static void assertEachListedOnce(MailboxDirectory mail) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (MailboxDirectory.MailboxInfo info : mail.mailboxes()) {
            counts.put(info.address(), info.messages());
        }
        assertEquals(RECIPIENTS + 1, counts.size(), "mailboxes listed: " + counts.keySet());
        assertEquals(0L, counts.get("alice@example.com"));
        for (int i = 0; i < RECIPIENTS; i++) {
            assertEquals(1L, counts.get(address(i)), address(i));
            assertEquals("batch " + i / PER_MESSAGE, mail.messages(address(i), 0, 10).get(0).subject());
        }
    }
}
