package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.UsersFileChanged;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * The users file edited while clients send: in place and by writing a new file and renaming
 * it over the old one, once with a line that does not parse. Each edit applies (or, the bad
 * one, does not) without a restart, and no message acknowledged with 250 is lost, doubled or
 * delivered to anyone but its accepted recipients.
 */
class UsersFileLiveEditTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<List<String>> ROUNDS = List.of(
            List.of("alice@example.com"),
            List.of("bob@example.com", "erin@example.com"),
            List.of("doomed@example.com"),
            List.of("erin@example.com"),
            List.of("alice@example.com", "doomed@example.com", "frank@example.com"));
    private static final List<String> EVERYONE = List.of("alice@example.com", "bob@example.com", "doomed@example.com",
            "erin@example.com", "frank@example.com");

    @TempDir
    Path directory;

    /** One RCPT: when it was sent and answered (System.nanoTime), to whom, and the reply. */
    private record Rcpt(long sent, long answered, String recipient, String reply) {
    }

    private final List<Rcpt> rcpts = new CopyOnWriteArrayList<>();
    /** Each message acknowledged with 250: its id, and the recipients accepted for it. */
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();

    private static String message(String id) {
        return "Message-ID: <" + id + "@client.test>\r\nX-Id: " + id + "\r\nSubject: " + id + "\r\n\r\nbody of " + id
                + "\r\n";
    }

    private void send(TestMonitor monitor, int thread) {
        try (RawSmtpClient client = monitor.ehloClient()) {
            for (int n = 0; !stop.get(); n++) {
                String id = "t" + thread + "-" + n;
                List<String> recipients = ROUNDS.get((n + thread) % ROUNDS.size());
                String mail = client.command("MAIL FROM:<s@client.test>");
                if (!mail.equals("250 OK")) {
                    failures.add(id + " MAIL: " + mail);
                    return;
                }
                List<String> accepted = new ArrayList<>();
                for (String recipient : recipients) {
                    long before = System.nanoTime();
                    String reply = client.command("RCPT TO:<" + recipient + ">");
                    rcpts.add(new Rcpt(before, System.nanoTime(), recipient, reply));
                    if (reply.equals("250 OK")) {
                        accepted.add(recipient);
                    } else if (!reply.equals("550 Address unknown")) {
                        failures.add(id + " RCPT " + recipient + ": " + reply);
                    }
                }
                if (accepted.isEmpty()) {
                    client.command("RSET");
                    continue;
                }
                client.command("DATA");
                client.send(message(id) + ".\r\n");
                String reply = client.readReply();
                if (reply.startsWith("250 ")) {
                    acknowledged.put(id, accepted);
                    sent.incrementAndGet();
                } else {
                    failures.add(id + " DATA: " + reply);
                }
            }
        } catch (Exception | AssertionError e) {
            failures.add("sender " + thread + ": " + e);
        }
    }

    private void awaitMoreMail(int count) throws InterruptedException {
        int target = sent.get() + count;
        Await.until(count + " more messages acknowledged", WAIT, () -> sent.get() >= target || !failures.isEmpty());
    }

    private static void renameInto(Path users, String content) throws Exception {
        Path temporary = users.resolveSibling("users.txt.new");
        Files.writeString(temporary, content);
        Files.move(temporary, users, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void editsApplyWhileClientsSendAndNoAcknowledgedMessageIsLostDoubledOrMisdelivered() throws Exception {
        Path users = directory.resolve("users.txt");
        Files.writeString(users, "alice@example.com\nbob@example.com\ndoomed@example.com\n");
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                senders.add(new Thread(() -> send(monitor, thread), "sender-" + t));
            }
            senders.forEach(Thread::start);
            try {
                awaitMoreMail(20);

                // 1. In place: erin is added.
                long addErin = System.nanoTime();
                Files.writeString(users, "alice@example.com\nbob@example.com\ndoomed@example.com\nerin@example.com\n");
                UsersFileChanged first = monitor.events().await(UsersFileChanged.class, e -> e.added().contains(
                        "erin@example.com"));
                assertEquals(List.of(), first.removed());
                assertNull(first.problem());
                long erinAdded = System.nanoTime();
                assertTrue(Files.isRegularFile(monitor.mailbox("erin@example.com")), "made at once");
                awaitMoreMail(20);

                // 2. By rename: doomed is removed.
                long removeDoomed = System.nanoTime();
                renameInto(users, "alice@example.com\nbob@example.com\nerin@example.com\n");
                UsersFileChanged second = monitor.events().await(UsersFileChanged.class, e -> e.removed().contains(
                        "doomed@example.com"));
                assertEquals(List.of(), second.added());
                long doomedRemoved = System.nanoTime();
                awaitMoreMail(20);

                // 3. In place, a line that does not parse: the list stays as it was.
                Files.writeString(users, "alice@example.com\nbob@@example.com\nerin@example.com\n");
                UsersFileChanged bad = monitor.events().await(UsersFileChanged.class, e -> e.problem() != null);
                assertEquals(users + ":2: 'bob@@example.com' is not an address: more than one '@'", bad.problem());
                assertEquals(List.of(), bad.added());
                assertEquals(List.of(), bad.removed());
                assertTrue(monitor.monitor().accepts("bob@example.com"), "the previous list is kept");
                assertEquals(List.of("alice@example.com", "bob@example.com", "erin@example.com"),
                        monitor.monitor().currentUsers());
                awaitMoreMail(20);

                // 4. By rename, good again: frank is added.
                long addFrank = System.nanoTime();
                renameInto(users, "alice@example.com\nbob@example.com\nerin@example.com\nfrank@example.com\n");
                UsersFileChanged fourth = monitor.events().await(UsersFileChanged.class, e -> e.added().contains(
                        "frank@example.com"));
                assertNull(fourth.problem());
                long frankAdded = System.nanoTime();
                awaitMoreMail(30);
                assertEquals(List.of("alice@example.com", "bob@example.com", "erin@example.com", "frank@example.com"),
                        monitor.monitor().currentUsers());

                stop.set(true);
                for (Thread sender : senders) {
                    sender.join(WAIT.toMillis());
                }
                assertEquals(List.of(), failures);

                assertReplies("erin@example.com", addErin, erinAdded);
                assertReplies("frank@example.com", addFrank, frankAdded);
                // doomed: accepted until the rename, refused once it applied.
                assertTrue(rcpts.stream().anyMatch(r -> r.recipient().equals("doomed@example.com")
                        && r.sent() > doomedRemoved), "doomed was tried after its removal");
                for (Rcpt r : rcpts) {
                    if (r.recipient().equals("doomed@example.com")) {
                        if (r.answered() < removeDoomed) {
                            assertEquals("250 OK", r.reply(), "doomed before its removal");
                        } else if (r.sent() > doomedRemoved) {
                            assertEquals("550 Address unknown", r.reply(), "doomed after its removal");
                        }
                    }
                    if (r.recipient().equals("alice@example.com") || r.recipient().equals("bob@example.com")) {
                        assertEquals("250 OK", r.reply(), r.recipient() + " is never removed");
                    }
                }
            } finally {
                stop.set(true);
                for (Thread sender : senders) {
                    sender.join(WAIT.toMillis());
                }
            }

            monitor.monitor().store().awaitIndexed();
            Map<String, Long> indexed = new ConcurrentHashMap<>();
            for (MailboxDirectory.MailboxInfo info : monitor.monitor().mail().mailboxes()) {
                indexed.put(info.address(), info.messages());
            }
            for (String address : EVERYONE) {
                assertMailbox(monitor, address, indexed.getOrDefault(address, -1L));
            }
            assertTrue(Files.isRegularFile(monitor.mailbox("doomed@example.com")), "a removed user's file is kept");
        }
    }

    /**
     * {@code address} was refused (550) in every RCPT answered before the edit that added it
     * was written, and accepted (250) in every RCPT sent after the edit was seen to apply.
     */
    private void assertReplies(String address, long edited, long applied) {
        int before = 0;
        int after = 0;
        for (Rcpt r : rcpts) {
            if (!r.recipient().equals(address)) {
                continue;
            }
            if (r.answered() < edited) {
                assertEquals("550 Address unknown", r.reply(), address + " before it was added");
                before++;
            } else if (r.sent() > applied) {
                assertEquals("250 OK", r.reply(), address + " after it was added");
                after++;
            }
        }
        assertTrue(before > 0 && after > 0, address + ": tried " + before + " times before and " + after + " after");
    }

    /**
     * The mailbox of {@code address} holds each message acknowledged for it exactly once,
     * and nothing else, and the index counts as many.
     */
    private void assertMailbox(TestMonitor monitor, String address, long indexed) throws Exception {
        String text = Files.readString(monitor.mailbox(address), StandardCharsets.ISO_8859_1);
        long expectedLength = 0;
        int expected = 0;
        for (Map.Entry<String, List<String>> message : acknowledged.entrySet()) {
            String marker = "X-Id: " + message.getKey() + "\r\n";
            int first = text.indexOf(marker);
            boolean wanted = message.getValue().contains(address);
            if (wanted) {
                assertTrue(first >= 0, message.getKey() + " missing from " + address);
                assertEquals(-1, text.indexOf(marker, first + 1), message.getKey() + " twice in " + address);
                expectedLength += message(message.getKey()).length();
                expected++;
            } else {
                assertEquals(-1, first, message.getKey() + " misdelivered to " + address);
            }
        }
        assertEquals(expectedLength, text.length(), address + " holds something besides its messages");
        assertEquals(expected, indexed, address + " in the index");
    }
}
