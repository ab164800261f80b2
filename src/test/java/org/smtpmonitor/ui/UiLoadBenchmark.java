package org.smtpmonitor.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import javafx.application.Platform;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;

/**
 * The window under a flood: {@code clients} sessions at once, each sending {@code messages}
 * mails over a real socket while the window shows a session's transcript and a mailbox's
 * preview. Prints the longest gap between FX pulses, the slowest answer to a
 * {@code runLater} probe, the heap after the flood, and checks that every count ends right.
 * Then it opens a 100 MB mbox mailbox in the preview and prints the same for that.
 *
 * <pre>mvn -B -ntp test-compile exec:java -Dexec.mainClass=org.smtpmonitor.ui.UiLoadBenchmark -Dexec.classpathScope=test \
 *     [-Dbench.clients=20] [-Dbench.messages=5000] [-Dbench.dir=/tmp] [-Dbench.bigMailboxMb=100]</pre>
 */
public final class UiLoadBenchmark {

    static final String[] USERS = {"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"};

    private UiLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.getInteger("bench.clients", 20);
        int messages = Integer.getInteger("bench.messages", 5000);
        int bigMailboxMb = Integer.getInteger("bench.bigMailboxMb", 100);
        Path work = Files.createTempDirectory(Path.of(System.getProperty("bench.dir",
                System.getProperty("java.io.tmpdir"))), "smtp-monitor-bench");
        HeadlessFx.start();
        Path users = work.resolve("users.txt");
        Files.write(users, List.of(USERS));
        Settings d = Settings.defaults();
        Settings settings = new Settings(d.bindAddress(), 0, work.resolve("mail"), MailboxFormat.RAW, d.defaultDomain(),
                d.maxMessageSize(), d.maxConnections(), d.idleTimeout(), false);
        Launcher launcher = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings, owner -> null, owner -> null, new Stage(), System.err);
            l.launch(users);
            return l;
        });
        await(() -> launcher.window() != null, 30);
        MainWindow window = launcher.window();
        InetSocketAddress server = window.monitor().server().address();
        System.out.printf("smtp-monitor window under load: %d clients x %,d messages, raw mailboxes in %s, %d cores%n",
                clients, messages, work, Runtime.getRuntime().availableProcessors());

        HeadlessFx.fx(() -> {
            table(window, "#mailboxesTable").getSelectionModel().select(0); // alice's preview stays live
            return null;
        });
        Thread.sleep(2000); // the first layout and rendering of the window are not part of the flood
        HeadlessFx.fx(() -> {
            window.pulses().reset();
            return null;
        });
        java.lang.management.ThreadMXBean threadsBean = java.lang.management.ManagementFactory.getThreadMXBean();
        long fxThread = HeadlessFx.fx(() -> Thread.currentThread().getId());
        long fxCpuBefore = threadsBean.getThreadCpuTime(fxThread);
        long processCpuBefore = processCpuNanos();
        FxResponsiveness.Probe probe = new FxResponsiveness.Probe();
        probe.start();
        FxResponsiveness.GapTimeline timeline = HeadlessFx.fx(FxResponsiveness.GapTimeline::new);
        AtomicLongArray sentTo = new AtomicLongArray(USERS.length);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                try {
                    send(server, client, messages, sentTo);
                } catch (IOException e) {
                    failures.incrementAndGet();
                    System.err.println("client " + client + ": " + e);
                }
            }, "client-" + c);
            threads.add(thread);
            thread.start();
        }
        await(() -> table(window, "#sessionsTable").getItems().size() >= clients, 60);
        HeadlessFx.fx(() -> {
            table(window, "#sessionsTable").getSelectionModel().select(0); // a live, followed transcript
            return null;
        });
        for (Thread thread : threads) {
            thread.join();
        }
        long sent = System.nanoTime() - start;
        long total = (long) clients * messages;
        await(() -> window.model().deliveredProperty().get() == total && window.model().openSessionsProperty().get() == 0
                && window.inbox().isEmpty(), 600, () -> progress(window, sentTo));
        long shown = System.nanoTime() - start;
        await(() -> mailboxCountsMatch(window, sentTo), 600, () -> progress(window, sentTo));
        long indexed = System.nanoTime() - start;
        probe.stop();
        HeadlessFx.fx(() -> {
            timeline.stop();
            return null;
        });
        long fxCpu = threadsBean.getThreadCpuTime(fxThread) - fxCpuBefore;
        long processCpu = processCpuNanos() - processCpuBefore;
        long longestPulseGap = window.pulses().longestGapNanos();
        long pulses = window.pulses().pulses();

        boolean sessionsRight = HeadlessFx.fx(() -> window.model().sessions().stream()
                .allMatch(row -> row.messagesProperty().get() == messages && !row.isOpen()));
        String transcriptNote = HeadlessFx.fx(() -> window.model().transcript().droppedTextProperty().get());
        System.gc();
        Thread.sleep(500);
        System.gc();
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();

        System.out.printf("sent %,d messages in %.1f s (%,.0f/s); the window showed them all after %.1f s, "
                + "mailbox counts right after %.1f s%n", total, sent / 1e9, total / (sent / 1e9), shown / 1e9, indexed / 1e9);
        System.out.printf("longest gap between FX pulses: %.0f ms (%.1f s into the flood); %,d pulses, %,d gaps over 100 ms;"
                + " slowest runLater probe: %.0f ms%n", longestPulseGap / 1e6, window.pulses().longestGapAtNanos() / 1e9,
                pulses, window.pulses().gapsOver100ms(), probe.worstNanos / 1e6);
        System.out.printf("longest gap between pulses in the first 5 s of the flood: %.0f ms; after that: %.0f ms; "
                + "median gap: %.0f ms; the FX thread ran %.0f ms of the longest gap%n", timeline.longest(0, 5) / 1e6,
                timeline.longest(5, Integer.MAX_VALUE) / 1e6, timeline.median() / 1e6, timeline.cpuInLongest() / 1e6);
        System.out.printf("CPU time: the FX thread %.1f s, the whole process (clients, server, window) %.1f s, "
                + "in %.1f s on %d cores%n", fxCpu / 1e9, processCpu / 1e9, shown / 1e9,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("heap after the flood (after GC): %.0f MB; peak heap seen: %.0f MB; max heap: %.0f MB%n",
                heap / 1048576.0, probe.peakHeap / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
        System.out.printf("selected transcript: %s%n", transcriptNote);
        long delivered = HeadlessFx.fx(() -> window.model().deliveredProperty().get());
        boolean countsRight = failures.get() == 0 && sessionsRight && delivered == total
                && HeadlessFx.fx(() -> mailboxCountsMatch(window, sentTo));
        System.out.println("counts: " + (countsRight ? "exactly right" : "WRONG") + " (delivered " + delivered
                + " of " + total + ", every session " + messages + ", every mailbox as sent)");

        if (bigMailboxMb > 0) {
            BigMailbox.run(work, bigMailboxMb);
        }
        HeadlessFx.fx(() -> {
            window.close();
            return null;
        });
        window.closed().get();
        Platform.exit();
        System.exit(countsRight ? 0 : 1);
    }

    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** Where the window has got to (call on the FX thread). */
    private static String progress(MainWindow window, AtomicLongArray sentTo) {
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < USERS.length; i++) {
            counts.append(' ').append(window.model().mailboxes().get(i).messagesProperty().get()).append('/')
                    .append(sentTo.get(i));
        }
        return "delivered " + window.model().deliveredProperty().get() + ", open " + window.model().openSessionsProperty().get()
                + ", inbox empty " + window.inbox().isEmpty() + ", mailboxes" + counts
                + ", pulses " + window.pulses().pulses();
    }

    /** Call on the FX thread. */
    private static boolean mailboxCountsMatch(MainWindow window, AtomicLongArray sentTo) {
        for (int i = 0; i < USERS.length; i++) {
            if (window.model().mailboxes().get(i).messagesProperty().get() != sentTo.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** One client: one session, {@code messages} mails, each MAIL/RCPT/DATA pipelined. */
    private static void send(InetSocketAddress server, int client, int messages, AtomicLongArray sentTo) throws IOException {
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            write(out, "EHLO client" + client + "\r\n");
            while (!in.readLine().startsWith("250 ")) {
                // the EHLO reply's lines
            }
            for (int m = 0; m < messages; m++) {
                int user = (client + m) % USERS.length;
                write(out, "MAIL FROM:<client" + client + "@test.org>\r\nRCPT TO:<" + USERS[user] + ">\r\nDATA\r\n");
                expect(in, "250");
                expect(in, "250");
                expect(in, "354");
                write(out, "From: client" + client + "@test.org\r\nTo: " + USERS[user] + "\r\nSubject: load test "
                        + client + "/" + m + "\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\n"
                        + "A message of the flood, number " + m + " from client " + client + ".\r\n.\r\n");
                expect(in, "250");
                sentTo.incrementAndGet(user);
            }
            write(out, "QUIT\r\n");
            expect(in, "221");
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + line);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> TableView<T> table(MainWindow window, String id) {
        return (TableView<T>) window.stage().getScene().lookup(id);
    }

    static void await(BooleanSupplier condition, int seconds) throws Exception {
        await(condition, seconds, null);
    }

    /** Waits for the condition (checked on the FX thread), printing {@code progress} every 10 s. */
    static void await(BooleanSupplier condition, int seconds, java.util.function.Supplier<String> progress)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        long nextReport = start + 10_000_000_000L;
        while (!HeadlessFx.fx(condition::getAsBoolean)) {
            long now = System.nanoTime();
            if (progress != null && now > nextReport) {
                System.out.println("  ... " + HeadlessFx.fx(progress::get));
                nextReport = now + 10_000_000_000L;
            }
            if (now > deadline) {
                throw new IllegalStateException("not there after " + seconds + " s"
                        + (progress != null ? ": " + HeadlessFx.fx(progress::get) : ""));
            }
            Thread.sleep(50);
        }
    }
}
