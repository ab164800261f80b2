package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.MailboxAdded;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Catch-all over real sockets: {@code --catch-all} and {@code *@domain} lines accept what no
 * users file lists, each address into a mailbox of its own, listed and announced; a listed
 * user still wins; an address that could not be a safe file name gets {@code 550} all the same.
 */
class CatchAllTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private TestMonitor start(String users, boolean catchAllOption) throws Exception {
        Files.writeString(directory.resolve("users.txt"), users, StandardCharsets.UTF_8);
        return TestMonitor.start(directory, TestMonitor.settings(directory).withCatchAll(catchAllOption));
    }

    private Set<String> mailboxFiles() throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".txt") && !n.equals("users.txt"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static String deliver(TestMonitor monitor, String recipient, String text) throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            return client.sendMessage("s@client.test", List.of(recipient), text);
        }
    }

    @Test
    void theCatchAllOptionAcceptsEveryDomainEachAddressInAFileOfItsOwn() throws Exception {
        try (TestMonitor monitor = start("alice@example.com\n", true)) {
            assertTrue(deliver(monitor, "x@anything.test", "one\r\n").startsWith("250 "));
            assertTrue(deliver(monitor, "y@other.example", "two\r\n").startsWith("250 "));
            assertEquals(Set.of("alice@example.com.txt", "x@anything.test.txt", "y@other.example.txt"), mailboxFiles());
            assertEquals("one\r\n", monitor.mailboxText("x@anything.test"));
            assertEquals("two\r\n", monitor.mailboxText("y@other.example"));
            assertTrue(monitor.monitor().accepts("nobody@never.seen"));
            assertEquals(List.of("alice@example.com"), monitor.monitor().currentUsers());
        }
    }

    @Test
    void aFileOfCatchAllLinesAloneServesAndItsGreetingNamesTheFirstDomain() throws Exception {
        try (TestMonitor monitor = start("# only catch-alls\n*@second.test\n*@first.test\n", false);
             RawSmtpClient client = RawSmtpClient.connect(monitor.address())) {
            assertEquals("220 second.test ESMTP smtp-monitor ready", client.readReply());
            assertEquals(List.of(), monitor.monitor().currentUsers());
        }
    }

    @Test
    void aListedUserWinsOverTheCatchAllOfItsDomain() throws Exception {
        try (TestMonitor monitor = start("Alice@Example.com\n*@example.com\n", false)) {
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertTrue(client.sendMessage("s@client.test", List.of("ALICE@example.COM"), "hi\r\n").startsWith("250 "));
            }
            assertEquals(Set.of("Alice@Example.com.txt"), mailboxFiles());
            assertEquals("hi\r\n", monitor.mailboxText("Alice@Example.com"));
            MessageDelivered delivered = monitor.events().await(MessageDelivered.class, m -> true);
            assertEquals(List.of("Alice@Example.com"), delivered.recipients());
            assertTrue(monitor.events().all().stream().noneMatch(MailboxAdded.class::isInstance));
        }
    }

    @Test
    void addressesThatCannotBeSafeFileNamesGetAddressUnknownUnderACatchAll() throws Exception {
        // Deep, so that a path that climbed out of the mailbox directory would still land in the test's.
        Path mail = directory.resolve("a/b/mail");
        Files.writeString(directory.resolve("users.txt"), "alice@example.com\n*@catch.test\n");
        try (TestMonitor monitor = TestMonitor.start(directory,
                TestMonitor.settings(mail).withCatchAll(true))) {
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertEquals("250 OK", client.command("MAIL FROM:<s@client.test> SMTPUTF8"));
                for (String bad : List.of("a..b@catch.test", ".hidden@catch.test", "a/b@catch.test",
                        "../../etc@catch.test", "x@catch..test", "a\\b@catch.test", "\"a b\"@catch.test",
                        "n".repeat(65) + "@catch.test", "end.@catch.test",
                        "x@-catch.test", "x@[127.0.0.1]")) {
                    assertEquals("550 Address unknown", client.command("RCPT TO:<" + bad + ">"), bad);
                }
                // UTF-8 rules: a name cannot start with a combining mark.
                client.send("RCPT TO:<\u0301x@catch.test>\r\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("550 Address unknown", client.readReply());
                // Bidi and other invisible marks never reach the store: the session refuses them as
                // syntax first (the store would refuse them too: MailboxStoreCatchAllTest).
                for (String bad : List.of("x\u202eevil@catch.test", "a\u200bb@catch.test")) {
                    client.send(("RCPT TO:<" + bad + ">\r\n").getBytes(StandardCharsets.UTF_8));
                    assertEquals("501 Syntax error in recipient address", client.readReply(), bad);
                }
                // The session goes on: a good caught address is still taken.
                assertEquals("250 OK", client.command("RCPT TO:<good@catch.test>"));
                assertEquals("354 Start mail input; end with <CRLF>.<CRLF>", client.command("DATA"));
                client.send("ok\r\n.\r\n");
                assertTrue(client.readReply().startsWith("250 "));
            }
        }
        try (Stream<Path> all = Files.walk(directory)) {
            assertEquals(Set.of("users.txt", "a/b/mail/alice@example.com.txt", "a/b/mail/good@catch.test.txt"),
                    all.filter(Files::isRegularFile).map(p -> directory.relativize(p).toString())
                            .filter(p -> !p.startsWith("a/b/mail/.smtp-monitor/")).collect(Collectors.toSet()),
                    "no file but the good address's made, and none outside the mailbox directory");
        }
    }

    @Test
    void anUnknownDomainWithoutACatchAllStillGetsAddressUnknown() throws Exception {
        try (TestMonitor monitor = start("alice@example.com\n*@catch.test\n", false)) {
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertEquals("250 OK", client.command("MAIL FROM:<s@client.test>"));
                assertEquals("550 Address unknown", client.command("RCPT TO:<bob@example.com>"));
                assertEquals("550 Address unknown", client.command("RCPT TO:<x@elsewhere.test>"));
                assertEquals("550 Address unknown", client.command("RCPT TO:<x@sub.catch.test>"));
                assertEquals("250 OK", client.command("RCPT TO:<x@CATCH.test>"));
            }
            assertFalse(monitor.monitor().accepts("x@elsewhere.test"));
            assertTrue(monitor.monitor().accepts("anyone@catch.test"));
        }
    }

    @Test
    void spellingsThatDifferInCaseAreOneMailboxNamedByTheFirstWithTheDomainInLowerCase() throws Exception {
        try (TestMonitor monitor = start("alice@example.com\n*@catch.test\n", false)) {
            assertTrue(deliver(monitor, "Bob@Catch.TEST", "first\r\n").startsWith("250 "));
            assertTrue(deliver(monitor, "bOB@catch.test", "second\r\n").startsWith("250 "));
            try (RawSmtpClient client = monitor.ehloClient()) {
                assertTrue(client.sendMessage("s@client.test", List.of("BOB@catch.test", "bob@CATCH.test"),
                        "third\r\n").startsWith("250 "));
            }
            assertEquals(Set.of("alice@example.com.txt", "Bob@catch.test.txt"), mailboxFiles());
            assertEquals("first\r\nsecond\r\nthird\r\n", monitor.mailboxText("Bob@catch.test"));
            assertEquals(1, monitor.events().all().stream().filter(MailboxAdded.class::isInstance).count());
            monitor.monitor().store().awaitIndexed();
            assertEquals(3, monitor.monitor().mail().mailbox("bob@catch.test").orElseThrow().messages());
        }
    }

    @Test
    void mailCaughtForOneSpellingIsStillInTheWindowsListWhenTheNextRunListsTheUserInAnotherCase() throws Exception {
        try (TestMonitor monitor = start("*@example.com\n", false)) {
            assertTrue(deliver(monitor, "Erin@example.com", "Subject: caught\r\n\r\nfirst\r\n").startsWith("250 "));
            monitor.monitor().store().awaitIndexed();
        }
        try (TestMonitor monitor = start("erin@example.com\n*@example.com\n", false)) {
            assertTrue(deliver(monitor, "erin@example.com", "Subject: listed\r\n\r\nsecond\r\n").startsWith("250 "));
            monitor.monitor().store().awaitIndexed();
            assertEquals(Set.of("Erin@example.com.txt"), mailboxFiles(), "one file for the address");
            MailboxDirectory mail = monitor.monitor().mail();
            assertEquals(List.of("Erin@example.com"),
                    mail.mailboxes().stream().map(MailboxDirectory.MailboxInfo::address).toList());
            assertEquals(Set.of("caught", "listed"), mail.messages("Erin@example.com", 0, 10).stream()
                    .map(IndexedMessage::subject).collect(Collectors.toSet()));
            assertTrue(monitor.monitor().accepts("ERIN@example.com"));
        }
    }

    @Test
    void aNewMailboxIsAnnouncedListedSearchedAndToldToMailListeners() throws Exception {
        try (TestMonitor monitor = start("alice@example.com\n*@catch.test\n", false)) {
            List<Set<String>> changes = new CopyOnWriteArrayList<>();
            monitor.monitor().onMailChanged(changes::add);
            assertTrue(deliver(monitor, "new@catch.test", "Subject: hello there\r\n\r\nwalrus\r\n").startsWith("250 "));
            MailboxAdded added = monitor.events().await(MailboxAdded.class, e -> true);
            assertEquals("new@catch.test", added.address());
            Await.until("the mail listener is told of the new mailbox", WAIT,
                    () -> changes.stream().anyMatch(c -> c.contains("new@catch.test")));
            monitor.monitor().store().awaitIndexed();
            MailboxDirectory mail = monitor.monitor().mail();
            assertEquals(List.of("alice@example.com", "new@catch.test"),
                    mail.mailboxes().stream().map(MailboxDirectory.MailboxInfo::address).toList());
            List<IndexedMessage> found = mail.search("walrus", null, 0, 10);
            assertEquals(1, found.size());
            assertEquals("new@catch.test", found.get(0).mailbox());
            assertEquals("hello there", found.get(0).subject());
        }
    }

    @Test
    void aLinkWhereANewMailboxWouldBeGets451AndNothingIsWrittenThroughIt() throws Exception {
        Path outside = Files.createTempFile("outside", ".txt");
        try {
            Files.createSymbolicLink(directory.resolve("evil@catch.test.txt"), outside);
            try (TestMonitor monitor = start("alice@example.com\n*@catch.test\n", false)) {
                String reply = deliver(monitor, "evil@catch.test", "payload\r\n");
                assertTrue(reply.startsWith("451 "), reply);
                assertEquals(0, Files.size(outside));
                assertTrue(deliver(monitor, "fine@catch.test", "ok\r\n").startsWith("250 "), "the server goes on");
            }
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void mboxMailboxesAreMadeForCaughtAddressesToo() throws Exception {
        Files.writeString(directory.resolve("users.txt"), "alice@example.com\n*@catch.test\n");
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.MBOX))) {
            assertTrue(deliver(monitor, "m@catch.test", "Subject: x\r\n\r\nbody\r\n").startsWith("250 "));
            assertTrue(monitor.mailboxText("m@catch.test").startsWith("From s@client.test "));
        }
    }

    @Test
    void concurrentFirstDeliveriesToOverlappingAddressesInMixedCaseMakeEachMailboxOnce() throws Exception {
        try (TestMonitor monitor = start("alice@example.com\n*@catch.test\n", false)) {
            int threads = 4;
            int messages = 40;
            Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            // The window lists mailboxes while they are being made.
            Thread reader = new Thread(() -> {
                try {
                    while (sending.get()) {
                        monitor.monitor().mail().mailboxes();
                        monitor.monitor().store().users();
                    }
                } catch (Exception e) {
                    failures.add("reader: " + e);
                }
            });
            reader.start();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(new Thread(() -> {
                    Random random = new Random(thread);
                    try (RawSmtpClient client = monitor.ehloClient()) {
                        for (int n = 0; n < messages; n++) {
                            List<String> recipients = new ArrayList<>();
                            for (int r = 0; r < 3; r++) {
                                String name = "p" + random.nextInt(30);
                                recipients.add((random.nextBoolean() ? name.toUpperCase() : name) + "@"
                                        + (random.nextBoolean() ? "CATCH.test" : "catch.test"));
                            }
                            String id = "m" + thread + "-" + n;
                            String reply = client.sendMessage("s@client.test", recipients, "X-Id: " + id + "\r\n");
                            if (reply.startsWith("250 ")) {
                                acknowledged.put(id, recipients.stream().map(a -> a.toLowerCase()).distinct().toList());
                            } else {
                                failures.add(id + ": " + reply);
                            }
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add("sender " + thread + ": " + e);
                    }
                }));
            }
            senders.forEach(Thread::start);
            for (Thread sender : senders) {
                sender.join(60_000);
            }
            sending.set(false);
            reader.join(10_000);
            assertEquals(List.of(), failures);

            Set<String> keys = new TreeSet<>();
            acknowledged.values().forEach(keys::addAll);
            Set<String> files = mailboxFiles();
            files.remove("alice@example.com.txt");
            assertEquals(keys, files.stream().map(f -> f.substring(0, f.length() - 4).toLowerCase())
                    .collect(Collectors.toCollection(TreeSet::new)), "one file a mailbox, whatever the case");
            assertEquals(keys.size(), files.size());
            assertEquals(keys.size(), monitor.events().all().stream().filter(MailboxAdded.class::isInstance).count());
            for (String file : files) {
                String key = file.substring(0, file.length() - 4).toLowerCase();
                String text = Files.readString(directory.resolve(file), StandardCharsets.ISO_8859_1);
                long expectedLength = 0;
                for (var message : acknowledged.entrySet()) {
                    String marker = "X-Id: " + message.getKey() + "\r\n";
                    int count = text.split(Pattern.quote(marker), -1).length - 1;
                    assertEquals(message.getValue().contains(key) ? 1 : 0, count, message.getKey() + " in " + file);
                    expectedLength += message.getValue().contains(key) ? marker.length() : 0;
                }
                assertEquals(expectedLength, text.length(), file + " holds only its messages");
            }
        }
    }
}
