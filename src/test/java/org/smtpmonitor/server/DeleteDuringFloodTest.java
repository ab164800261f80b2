package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.StartupException;
import org.smtpmonitor.cli.Main;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.ExternalProcess;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Deletes and clears while clients flood the server, from the window's facade in the
 * server's own process and from the command line in another: afterwards every
 * acknowledged message is either one the test deleted or in its mailbox exactly once, byte
 * for byte, and each mailbox file is nothing but the messages its index lists, where it
 * lists them. A cleared mailbox holds exactly the acknowledged messages the clear did not
 * count (those delivered after it).
 */
class DeleteDuringFloodTest {

    private static final int CLIENTS = 4;
    private static final List<String> USERS = NumberedMessages.USERS;
    private static final String ALICE = USERS.get(0);
    private static final String BOB = USERS.get(1);
    private static final String CAROL = USERS.get(2);
    private static final Pattern NUMBER = Pattern.compile("X-Test-Seq: (\\d+)\r\n|From s(\\d+)@crash\\.test ");

    @TempDir
    Path directory;

    private final NumberedFlood flood = new NumberedFlood(NumberedMessages::smallContent);
    /** What the test deleted by id: address to message numbers. */
    private final Map<String, Set<Long>> deleted = new HashMap<>();
    /** How many messages the clears of CAROL deleted. */
    private long cleared;

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void deletesAndAClearFromTheFacadeDuringAFloodLoseNothingElse(MailboxFormat format) throws Exception {
        Files.write(directory.resolve("users.txt"), USERS);
        Path mail = directory.resolve("mail");
        Map<String, List<Long>> ids;
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(mail, format))) {
            MailboxDirectory store = monitor.monitor().mail();
            NumberedFlood.Round round = flood.start(monitor.address(), CLIENTS);
            try {
                for (int i = 0; i < 10; i++) {
                    // Let the flood go on a while between two deletes.
                    Thread.sleep(150);
                    String address = i % 2 == 0 ? ALICE : BOB;
                    List<Long> chosen = choose(store.messages(address, 0, 30));
                    for (long id : chosen) {
                        deleted.computeIfAbsent(address, a -> new HashSet<>()).add(number(store, id));
                    }
                    assertEquals(chosen.size(), store.delete(chosen), "every id chosen is deleted");
                    if (i == 4) {
                        cleared += store.clear(CAROL);
                    }
                }
            } finally {
                assertEquals(List.of(), round.stop(), "what the clients met");
            }
            monitor.monitor().store().awaitIndexed();
            assertTrue(cleared > 0 && !deleted.get(ALICE).isEmpty() && !deleted.get(BOB).isEmpty(),
                    "the flood was under way: " + cleared + " cleared, deleted " + deleted);
            ids = verify(mail, format);
        }
        // A restart: the same messages, with the same ids, and nothing found torn.
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(mail, format))) {
            monitor.monitor().store().awaitIndexed();
            assertEquals(ids, verify(mail, format));
            assertEquals(List.of(), monitor.events().all().stream().filter(ServerError.class::isInstance).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void deletesAndAClearFromTheCommandLineDuringAFloodInAnotherProcessLoseNothingElse(MailboxFormat format)
            throws Exception {
        Path users = Files.write(directory.resolve("users.txt"), USERS);
        Path mail = directory.resolve("mail");
        String formatName = format.name().toLowerCase(Locale.ROOT);
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", mail.toString(),
                "--format", formatName)) {
            NumberedFlood.Round round = flood.start(server.address(), CLIENTS);
            try {
                deleteFromCommandLine(mail, ALICE);
                cleared += clearFromCommandLine(mail, CAROL);
                deleteFromCommandLine(mail, BOB);
            } finally {
                assertEquals(List.of(), round.stop(), "what the clients met");
            }
            server.terminate();
            assertEquals(143, server.awaitExit(20, "SIGTERM"));
        }
        assertTrue(cleared > 0 && !deleted.get(ALICE).isEmpty() && !deleted.get(BOB).isEmpty(), "the flood was under way");
        verify(mail, format);

        // No server: the command line deletes itself, and the result is the same.
        deleteFromCommandLine(mail, BOB);
        cleared += clearFromCommandLine(mail, CAROL);
        verify(mail, format);
        assertEquals(List.of(), verify(mail, format).get(CAROL), "nothing delivered after the last clear");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aSecondServerOnTheSameDirectoryIsRefused() throws Exception {
        Path users = Files.write(directory.resolve("users.txt"), USERS);
        Path mail = directory.resolve("mail");
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, "--mailbox-dir", mail.toString())) {
            StartupException e = assertThrows(StartupException.class,
                    () -> TestMonitor.start(directory, TestMonitor.settings(mail)));
            assertEquals(StartupException.Kind.MAILBOX_DIRECTORY, e.kind());
            assertTrue(e.getMessage().contains("another smtp-monitor") && e.getMessage().contains(mail.toString()),
                    e.getMessage());
            assertTrue(server.isAlive());
        }
        // Once it is gone, its lock is too.
        TestMonitor.start(directory, TestMonitor.settings(mail)).close();
    }

    /** About a third of {@code page}, by id. */
    private static List<Long> choose(List<IndexedMessage> page) {
        List<Long> chosen = new ArrayList<>();
        for (int i = 0; i < page.size(); i += 3) {
            chosen.add(page.get(i).id());
        }
        return chosen;
    }

    /** The number of the message {@code id}, from its bytes. */
    private static long number(MailboxDirectory store, long id) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.export(id, out);
        return number(out.toByteArray(), 0);
    }

    private static long number(byte[] bytes, long offset) {
        Matcher m = NUMBER.matcher(new String(bytes, (int) offset, (int) Math.min(64, bytes.length - offset),
                StandardCharsets.ISO_8859_1));
        if (!m.lookingAt()) {
            throw new AssertionError("no message starts at byte " + offset);
        }
        return Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
    }

    /** Deletes about a third of the newest messages of {@code address} with {@code smtp-monitor mailbox delete}. */
    private void deleteFromCommandLine(Path mail, String address) throws Exception {
        List<Long> chosen;
        try (MessageIndex index = MessageIndex.open(mail)) {
            Await.until(address + " has messages in the index", Duration.ofSeconds(20),
                    () -> index.newest(address, 0, 3).size() == 3);
            List<IndexedMessage> page = index.newest(address, 0, 30);
            chosen = choose(page);
            byte[] bytes = Files.readAllBytes(mail.resolve(address + ".txt"));
            for (IndexedMessage row : page) {
                if (chosen.contains(row.id())) {
                    deleted.computeIfAbsent(address, a -> new HashSet<>()).add(number(bytes, row.offset()));
                }
            }
        }
        List<String> arguments = new ArrayList<>(List.of("mailbox", "delete"));
        chosen.forEach(id -> arguments.add(String.valueOf(id)));
        String out = commandLine(mail, arguments);
        assertEquals("Deleted " + chosen.size() + " message" + (chosen.size() == 1 ? "" : "s") + ".", out.strip());
    }

    private long clearFromCommandLine(Path mail, String address) throws Exception {
        String out = commandLine(mail, List.of("mailbox", "clear", address)).strip();
        Matcher m = Pattern.compile("Deleted (\\d+) messages? from " + Pattern.quote(address) + "\\.").matcher(out);
        assertTrue(m.matches(), out);
        return Long.parseLong(m.group(1));
    }

    /** Runs {@code smtp-monitor ARGUMENTS --mailbox-dir MAIL} as a process of its own; its standard output. */
    private String commandLine(Path mail, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(arguments);
        command.addAll(List.of("--mailbox-dir", mail.toString()));
        return ExternalProcess.run(directory, command, 60);
    }

    /**
     * Checks every mailbox against what was acknowledged and deleted; returns the ids of
     * each mailbox's messages, in file order.
     */
    private Map<String, List<Long>> verify(Path mail, MailboxFormat format) throws IOException {
        Map<String, List<Long>> ids = new HashMap<>();
        try (MessageIndex index = MessageIndex.open(mail)) {
            for (String address : USERS) {
                Map<Long, Integer> present = new HashMap<>();
                ids.put(address, readBack(index, mail, address, format, present));
                List<Long> acknowledged = flood.acknowledged().stream()
                        .filter(n -> NumberedMessages.recipients(n).contains(address)).sorted().toList();
                Set<Long> gone = deleted.getOrDefault(address, Set.of());
                for (Map.Entry<Long, Integer> copy : present.entrySet()) {
                    assertEquals(1, copy.getValue(), address + " holds message " + copy.getKey() + " once");
                    assertTrue(flood.isAcknowledged(copy.getKey())
                            && NumberedMessages.recipients(copy.getKey()).contains(address),
                            address + " holds message " + copy.getKey() + ", never acknowledged to it");
                    assertTrue(!gone.contains(copy.getKey()), address + " still holds deleted message " + copy.getKey());
                }
                List<Long> missing = acknowledged.stream().filter(n -> !present.containsKey(n) && !gone.contains(n))
                        .toList();
                if (address.equals(CAROL)) {
                    assertEquals(cleared, missing.size(), "carol lacks exactly what the clears counted");
                } else {
                    assertEquals(List.of(), missing, address + " lacks acknowledged messages nobody deleted");
                }
            }
        }
        return ids;
    }

    /**
     * Reads {@code address}'s file back through its index rows, which must cover it from
     * the first byte to the last with whole messages, each exactly as sent; counts each
     * message's copies into {@code present} and returns the rows' ids in file order.
     */
    private List<Long> readBack(MessageIndex index, Path mail, String address, MailboxFormat format,
                                Map<Long, Integer> present) throws IOException {
        byte[] bytes = Files.readAllBytes(mail.resolve(address + ".txt"));
        List<IndexedMessage> rows = new ArrayList<>(index.newest(address, 0, Integer.MAX_VALUE));
        rows.sort(Comparator.comparingLong(IndexedMessage::offset));
        long at = 0;
        List<Long> ids = new ArrayList<>();
        for (IndexedMessage row : rows) {
            assertEquals(at, row.offset(), address + ": row " + row.id() + " follows the one before it");
            long n = number(bytes, row.offset());
            byte[] stored = Arrays.copyOfRange(bytes, (int) row.offset(), (int) (row.offset() + row.length()));
            byte[] sent = flood.content(n);
            if (format == MailboxFormat.MBOX) {
                String fromLine = "From " + NumberedMessages.sender(n) + " ";
                int body = indexOf(stored, (byte) '\n') + 1;
                assertTrue(new String(stored, 0, body, StandardCharsets.ISO_8859_1).startsWith(fromLine));
                assertTrue(Arrays.equals(NumberedMessages.mboxBody(sent), Arrays.copyOfRange(stored, body, stored.length)),
                        address + ": row " + row.id() + " is message " + n + " exactly");
            } else {
                assertTrue(Arrays.equals(sent, stored), address + ": row " + row.id() + " is message " + n + " exactly");
            }
            present.merge(n, 1, Integer::sum);
            ids.add(row.id());
            at = row.offset() + row.length();
        }
        assertEquals(bytes.length, at, address + ": the index covers the whole file");
        return ids;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
