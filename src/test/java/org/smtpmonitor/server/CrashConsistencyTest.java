package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.testing.HeadlessServerProcess;

/**
 * The server process killed with SIGKILL in the middle of floods, again and again, with a
 * restart on the same mailboxes after each kill: every acknowledged message is then in
 * each of its recipients' mailboxes exactly once, byte for byte; a mailbox holds nothing
 * but complete messages, so a message torn by a kill is never glued to later mail; and
 * what the server moved aside to {@code <mailbox>.torn} is only fragments of messages it
 * never acknowledged.
 *
 * <p>The kills come at a random moment (seeded: the seed is printed, and
 * {@code -Dcrash.seed=N} replays the delays, not the timing). In every other round the
 * kill waits, after its random delay, for a mailbox file to grow by a large step,
 * that is for a multi-MB write under way: such writes fill a small part of a round, so
 * a kill at a moment taken blindly would seldom tear one.
 */
class CrashConsistencyTest {

    private static final int ROUNDS = 6;
    private static final int CLIENTS = 4;
    /** Growth of a mailbox at one look that no 1 KB message, nor a few together, can make. */
    private static final long LARGE_STEP = 256 * 1024;
    private static final List<String> USERS = NumberedMessages.USERS;
    /** What the server may say about a tail it set aside at start; printed for whoever reads the report. */
    private static final Pattern REPAIR_WORDS = Pattern.compile("(?i)torn|tail|seal|quarantin|repair");

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0}")
    @EnumSource(MailboxFormat.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void repeatedKillsKeepEveryAcknowledgedMessageOnceAndNoTornBytesInTheMailboxes(MailboxFormat format) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        String replay = " (seed " + seed + ": replay with -Dcrash.seed=" + seed + ")";
        Random random = new Random(seed);
        Path users = Files.write(directory.resolve("users.txt"), USERS);
        Path mail = directory.resolve("mail");
        String[] options = {"--mailbox-dir", mail.toString(), "--format", format.name().toLowerCase(Locale.ROOT)};
        NumberedFlood flood = new NumberedFlood();
        List<String> failures = new ArrayList<>();
        long began = System.nanoTime();
        int writesSeen = killRepeatedly(users, options, mail, flood, random, failures);
        List<String> repairLog;
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, options)) {
            server.terminate();
            // The JVM reports the signal that ended it: 128 + 15.
            assertEquals(143, server.awaitExit(20, "SIGTERM"), "exit status after SIGTERM" + replay);
            repairLog = server.output().stream().filter(line -> REPAIR_WORDS.matcher(line).find()).toList();
        }

        long killed = System.nanoTime();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "crash test, %s%s: %d kills, %d of them aimed at a big write (%d saw one), %d messages begun, %d acknowledged",
                format, replay, ROUNDS, ROUNDS / 2, writesSeen, flood.begun(), flood.acknowledged().size()));
        for (String address : USERS) {
            MailboxAudit audit = MailboxAudit.of(mail, address, format);
            failures.addAll(audit.problems);
            failures.addAll(check(audit, flood));
            failures.addAll(checkIndex(mail, audit));
            long unacknowledged = audit.complete.keySet().stream().filter(n -> !flood.isAcknowledged(n)).count();
            report.append(String.format(Locale.ROOT,
                    "%n  %s: %,d bytes, %d complete messages (%d of them never acknowledged); .torn: %,d bytes, %d fragments",
                    address, audit.mailboxBytes, audit.complete.size(), unacknowledged, audit.tornBytes,
                    audit.tornFragments.size()));
        }
        repairLog.forEach(line -> report.append("\n  server: ").append(line));
        report.append(String.format(Locale.ROOT, "%n  %.1f s of rounds, %.1f s to verify",
                (killed - began) / 1e9, (System.nanoTime() - killed) / 1e9));
        System.out.println(report);
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " problems" + replay + ":\n  " + String.join("\n  ", failures)
                    + "\n" + report);
        }
    }

    /**
     * Starts the server, floods it and kills it, {@link #ROUNDS} times over; returns how
     * many aimed kills saw a big write under way. What went wrong before a kill goes to
     * {@code failures}.
     */
    private static int killRepeatedly(Path users, String[] options, Path mail, NumberedFlood flood, Random random,
            List<String> failures) throws IOException, InterruptedException {
        int writesSeen = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            int delay = 300 + random.nextInt(1200);
            try (HeadlessServerProcess server = HeadlessServerProcess.start(users, options)) {
                NumberedFlood.Round clients = flood.start(server.address(), CLIENTS);
                try {
                    Thread.sleep(delay);
                    if (round % 2 == 0 && awaitLargeWrite(mail)) {
                        writesSeen++;
                    }
                    clients.stopping();
                    server.kill();
                } finally {
                    for (String problem : clients.stop()) {
                        failures.add("round " + round + ": " + problem);
                    }
                }
            }
        }
        return writesSeen;
    }

    /** The promises about one mailbox, given which messages were acknowledged. */
    /**
     * The index never claims a message that is not in its file: each row is exactly one
     * whole message where it says. And after the last start it has them all: an mbox file
     * is rescanned past what the index had taken before a kill, and in a raw one the
     * append journal says where those messages lie.
     */
    private static List<String> checkIndex(Path mail, MailboxAudit audit) throws IOException {
        List<String> problems = new ArrayList<>();
        Path file = mail.resolve(audit.address + ".txt");
        byte[] bytes = Files.readAllBytes(file);
        List<IndexedMessage> rows;
        try (MessageIndex index = MessageIndex.open(mail)) {
            rows = index.newest(audit.address, 0, Integer.MAX_VALUE);
        }
        long copies = audit.complete.values().stream().mapToLong(Integer::longValue).sum();
        System.out.printf(Locale.ROOT, "  %s: the index has %d of the %d messages in the file%n", audit.address,
                rows.size(), copies);
        if (rows.size() != copies) {
            problems.add(audit.address + ": the index has " + rows.size() + " messages, the file " + copies);
        }
        for (IndexedMessage row : rows) {
            // The row's summary may not be filled in yet: which message it is comes from its bytes.
            Matcher start = INDEXED_START.matcher(row.offset() + 64 <= bytes.length
                    ? new String(bytes, (int) row.offset(), 64, StandardCharsets.ISO_8859_1) : "");
            if (!start.lookingAt() || row.offset() + row.length() > bytes.length) {
                problems.add(audit.address + ": index row " + row.id() + " at " + row.offset()
                        + " is not at the start of a message of the file");
                continue;
            }
            long n = Long.parseLong(start.group(1) != null ? start.group(1) : start.group(2));
            byte[] stored = Arrays.copyOfRange(bytes, (int) row.offset(), (int) (row.offset() + row.length()));
            byte[] expected = NumberedMessages.content(n);
            if (audit.format == MailboxFormat.MBOX) {
                int body = indexOf(stored, (byte) '\n') + 1;
                boolean fromLine = new String(stored, 0, Math.max(0, body), StandardCharsets.ISO_8859_1)
                        .startsWith("From " + NumberedMessages.sender(n) + " ");
                if (!fromLine || !Arrays.equals(NumberedMessages.mboxBody(expected),
                        Arrays.copyOfRange(stored, body, stored.length))) {
                    problems.add(audit.address + ": index row " + row.id() + " does not cover message " + n + " exactly");
                }
            } else if (!Arrays.equals(expected, stored)) {
                problems.add(audit.address + ": index row " + row.id() + " does not cover message " + n + " exactly");
            }
        }
        return problems;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** How a message begins in raw ({@code X-Test-Seq: n}) or mbox ({@code From s<n>@crash.test}). */
    private static final Pattern INDEXED_START = Pattern.compile("X-Test-Seq: (\\d+)\r\n|From s(\\d+)@crash\\.test ");

    private static List<String> check(MailboxAudit audit, NumberedFlood flood) {
        String address = audit.address;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Long, Integer> entry : audit.complete.entrySet()) {
            long n = entry.getKey();
            if (n >= flood.begun() || !NumberedMessages.recipients(n).contains(address)) {
                problems.add(address + " holds message " + n + ", which was never sent to it");
            }
            if (entry.getValue() > 1) {
                problems.add(address + " holds message " + n + " " + entry.getValue() + " times");
            }
        }
        List<Long> lost = flood.acknowledged().stream().sorted()
                .filter(n -> NumberedMessages.recipients(n).contains(address) && !audit.complete.containsKey(n))
                .toList();
        if (!lost.isEmpty()) {
            problems.add(address + " lacks " + lost.size() + " acknowledged messages: "
                    + lost.subList(0, Math.min(20, lost.size())));
        }
        for (long n : audit.tornFragments) {
            if (n < 0) {
                continue; // too short to tell whose it is; MailboxAudit checked its form
            }
            if (flood.isAcknowledged(n)) {
                problems.add(address + ".txt.torn holds a fragment of message " + n + ", which was acknowledged");
            }
            if (n >= flood.begun() || !NumberedMessages.recipients(n).contains(address)) {
                problems.add(address + ".txt.torn holds a fragment of message " + n + ", which was never sent to it");
            }
            if (audit.complete.containsKey(n)) {
                problems.add(address + " holds message " + n + " both whole and as a torn fragment");
            }
        }
        return problems;
    }

    /**
     * Spins until some mailbox file grows by a large step, which only a multi-MB write
     * makes. The kernel lengthens a file in steps of megabytes while the write goes on, so
     * a kill right away often lands in the middle of it. Returns false if no such step
     * came within 1.5 s.
     */
    private static boolean awaitLargeWrite(Path mail) throws IOException {
        List<Path> files = USERS.stream().map(address -> mail.resolve(address + ".txt")).toList();
        long[] sizes = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            sizes[i] = Files.size(files.get(i));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < files.size(); i++) {
                long size = Files.size(files.get(i));
                if (size - sizes[i] >= LARGE_STEP) {
                    return true;
                }
                sizes[i] = size;
            }
        }
        return false;
    }
}
