package org.smtpmonitor.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.mailbox.MessageIndex;
import org.smtpmonitor.message.IndexedMessage;

/**
 * The store's side of {@code bench/store.sh}, each phase in a JVM of its own. Prints one
 * JSON object a figure, one a line, for the script's table.
 *
 * <pre>
 * caught-up DIR MESSAGES SINCE_EPOCH_MS   waits until the index of DIR (a server runs on it)
 *                                         holds MESSAGES copies, then until all have their words
 * queries USERS DIR ADDRESS=COUNT...      a monitor started cold on DIR: its counts, heap,
 *                                         a page, searches, a delete
 * </pre>
 *
 * A time "from launch" counts from {@code -Dbench.launched} (epoch ms, set by the script
 * just before it started the JVM), or else from the JVM's own start.
 */
public final class StoreBenchmark {

    /** Runs of a query after its first, for the median of a warm one. */
    private static final int REPEATS = 5;
    /** A word no message has. */
    static final String ABSENT_WORD = "zqxjvwkq";

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "caught-up" -> caughtUp(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "queries" -> queries(Path.of(args[1]), Path.of(args[2]), expected(args, 3));
            default -> {
                System.err.println("usage: StoreBenchmark caught-up DIR MESSAGES SINCE_EPOCH_MS"
                        + " | queries USERS DIR ADDRESS=COUNT...");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    /** When the JVM was launched, as the script says, in epoch ms. */
    static long launched() {
        return Long.getLong("bench.launched", ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    /** {@code ADDRESS=COUNT} arguments from {@code from} on, in order. */
    public static Map<String, Long> expected(String[] args, int from) {
        Map<String, Long> expected = new LinkedHashMap<>();
        for (String arg : Arrays.copyOfRange(args, from, args.length)) {
            int at = arg.lastIndexOf('=');
            expected.put(arg.substring(0, at), Long.parseLong(arg.substring(at + 1)));
        }
        return expected;
    }

    private static void caughtUp(Path directory, long messages, long since) throws IOException, InterruptedException {
        long deadline = since + 1000 * Long.getLong("bench.timeout", 3600);
        Double placed = null;
        try (MessageIndex index = MessageIndex.open(directory)) {
            while (true) {
                if (System.currentTimeMillis() > deadline) {
                    figure(placed == null ? "placed" : "summarized", "seconds", null, "not caught up within "
                            + (deadline - since) / 1000 + " s: " + index.counts());
                    return;
                }
                if (placed == null && index.counts().values().stream().mapToLong(Long::longValue).sum() >= messages) {
                    placed = (System.currentTimeMillis() - since) / 1000.0;
                    figure("placed", "seconds", placed, "");
                }
                if (placed != null && index.unsummarized(1).isEmpty()) {
                    figure("summarized", "seconds", (System.currentTimeMillis() - since) / 1000.0, "");
                    return;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void queries(Path users, Path directory, Map<String, Long> expected) throws Exception {
        long launched = launched();
        long starting = System.currentTimeMillis();
        figure("coldJvm", "ms", starting - launched, "");
        Settings settings = Settings.defaults().withPort(0).withMailboxDirectory(directory);
        try (Monitor monitor = Monitor.start(users, settings, new EventBus())) {
            long started = System.currentTimeMillis();
            MailboxDirectory mail = monitor.mail();
            List<MailboxDirectory.MailboxInfo> mailboxes = mail.mailboxes();
            long counted = System.currentTimeMillis();
            Map<String, Long> counts = new LinkedHashMap<>();
            mailboxes.forEach(m -> counts.put(m.address(), m.messages()));
            String wrong = counts.equals(expected) ? "" : "counts differ: " + counts + ", expected " + expected;
            figure("coldCounts", "ms", counted - launched, wrong);
            figure("coldMonitorStart", "ms", started - starting, "");
            figure("coldMailboxes", "ms", counted - started, "");
            figure("mailboxesCall", "ms", time(mail::mailboxes), "warm, median of " + REPEATS);
            heap("coldHeap");

            MailboxDirectory.MailboxInfo first = mailboxes.get(0);
            timed("newest100", () -> mail.messages(first.address(), 0, 100).size(), 100);
            IndexedMessage newest = mail.messages(first.address(), 0, 1).get(0);
            String word = firstWord(mail.parse(newest.id()).textBody().orElse(""));
            long total = expected.values().stream().mapToLong(Long::longValue).sum();
            timed("searchBodyCommon", () -> mail.search("body:" + word, null, 0, 50).size(), Math.min(50, total));
            timed("searchBodyAbsent", () -> mail.search("body:" + ABSENT_WORD, null, 0, 50).size(), 0);
            timed("searchFreeCommon", () -> mail.search(word, null, 0, 50).size(), Math.min(50, total));
            timed("searchFreeAbsent", () -> mail.search(ABSENT_WORD, null, 0, 50).size(), 0);
            timed("searchFromCommon", () -> mail.search("from:" + newest.envelopeFrom(), null, 0, 50).size(),
                    Math.min(50, total));
            timed("searchSubjectAbsent", () -> mail.search("subject:" + ABSENT_WORD, null, 0, 50).size(), 0);
            delete(mail, first);
        }
    }

    /** Deletes a message from the middle of {@code mailbox}: how long, or why it could not. */
    private static void delete(MailboxDirectory mail, MailboxDirectory.MailboxInfo mailbox) throws IOException {
        String of = String.format(Locale.ROOT, "a mailbox of %.1f MB", mailbox.bytes() / 1048576.0);
        IndexedMessage middle = mail.messages(mailbox.address(), (int) (mailbox.messages() / 2), 1).get(0);
        long start = System.nanoTime();
        int deleted;
        try {
            deleted = mail.delete(List.of(middle.id()));
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("not available")) {
                figure("delete", "ms", null, "not available: " + e.getMessage() + " (" + of + ")");
                return;
            }
            throw e;
        }
        double ms = (System.nanoTime() - start) / 1e6;
        long left = mail.mailbox(mailbox.address()).orElseThrow().messages();
        String wrong = deleted == 1 && left == mailbox.messages() - 1 ? ""
                : "; wrong: deleted " + deleted + ", " + left + " left of " + mailbox.messages();
        figure("delete", "ms", ms, of + wrong);
    }

    /** The first word of {@code text} as the full-text index splits it (letters and digits). */
    static String firstWord(String text) {
        for (String word : text.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                return word.toLowerCase(Locale.ROOT);
            }
        }
        throw new IllegalStateException("the newest message has no words in its body");
    }

    /** Prints the first run's time of {@code query} and the median of the next ones; checks its result's size. */
    private static void timed(String name, Callable<Integer> query, long expectedSize) throws Exception {
        long start = System.nanoTime();
        int size = query.call();
        double first = (System.nanoTime() - start) / 1e6;
        String wrong = size == expectedSize ? "" : "; wrong: " + size + " results, expected " + expectedSize;
        figure(name, "ms", first, String.format(Locale.ROOT, "%d results; warm: %.1f ms (median of %d)%s", size,
                time(query), REPEATS, wrong));
    }

    /** The median time of {@link #REPEATS} runs, in ms. */
    private static double time(Callable<?> call) throws Exception {
        double[] times = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            call.call();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[REPEATS / 2];
    }

    /** Prints the heap in use after a full collection and the process's resident memory (now and at its peak). */
    public static void heap(String name) throws IOException {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            String[] parts = line.split(":\\s+", 2);
            if (parts.length == 2) {
                status.put(parts[0], parts[1]);
            }
        }
        figure(name, "mb", used / 1048576.0, String.format(Locale.ROOT, "RSS %.0f MB, peak RSS %.0f MB",
                kilobytes(status.get("VmRSS")) / 1024.0, kilobytes(status.get("VmHWM")) / 1024.0));
        figure(name + "Rss", "mb", kilobytes(status.get("VmRSS")) / 1024.0, "");
    }

    private static long kilobytes(String value) {
        return value == null ? -1 : Long.parseLong(value.replace("kB", "").strip());
    }

    /** One figure as a JSON line: its name, its unit, its value (null when there is none), a note. */
    public static void figure(String name, String unit, Number value, String note) {
        List<String> fields = new ArrayList<>();
        fields.add("\"name\":\"" + name + "\"");
        fields.add("\"unit\":\"" + unit + "\"");
        fields.add("\"value\":" + (value == null ? "null" : String.format(Locale.ROOT, "%.3f", value.doubleValue())));
        fields.add("\"note\":\"" + note.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"");
        System.out.println("{" + String.join(",", fields) + "}");
        System.out.flush();
    }
}
