package org.smtpmonitor.ui;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;

/**
 * Part of {@link UiLoadBenchmark}: a window on an mbox mailbox of {@code megabytes} MB
 * written before it started (so the store indexes it at start), which the user then opens.
 * Prints how long the start and the first page of the list took, and the longest gap
 * between FX pulses meanwhile.
 */
final class BigMailbox {

    private BigMailbox() {
    }

    static void run(Path work, int megabytes) throws Exception {
        Path dir = Files.createDirectories(work.resolve("big"));
        Path users = dir.resolve("users.txt");
        Files.write(users, List.of("big@example.com"));
        Path mailbox = dir.resolve("mail").resolve("big@example.com.txt");
        Files.createDirectories(mailbox.getParent());
        int messages = write(mailbox, megabytes * 1024L * 1024L);
        Settings d = Settings.defaults();
        Settings settings = new Settings(d.bindAddress(), 0, dir.resolve("mail"), MailboxFormat.MBOX, d.defaultDomain(),
                d.maxMessageSize(), d.maxConnections(), d.idleTimeout(), false);
        Launcher launcher = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings, owner -> null, owner -> null, new Stage(), System.err);
            l.launch(users);
            return l;
        });
        long opening = System.nanoTime();
        UiLoadBenchmark.await(() -> launcher.window() != null, 30);
        MainWindow window = launcher.window();
        // The store indexes the file at start; the window opens with its count.
        UiLoadBenchmark.await(() -> window.model().mailboxes().get(0).messagesProperty().get() == messages, 300);
        long indexed = System.nanoTime() - opening;
        Thread.sleep(1000);
        long start = System.nanoTime();
        HeadlessFx.fx(() -> {
            window.pulses().reset();
            UiLoadBenchmark.table(window, "#mailboxesTable").getSelectionModel().select(0);
            return null;
        });
        // One page and the row that loads the next, or the whole mailbox if it is smaller.
        int firstPage = messages > MessageListViewModel.PAGE ? MessageListViewModel.PAGE + 1 : messages;
        UiLoadBenchmark.await(() -> UiLoadBenchmark.table(window, "#messagesTable").getItems().size() == firstPage, 300);
        long listed = System.nanoTime() - start;
        HeadlessFx.fx(() -> {
            UiLoadBenchmark.table(window, "#messagesTable").getSelectionModel().select(firstPage / 2);
            return null;
        });
        Thread.sleep(500);
        System.out.printf("%,d MB mbox mailbox, %,d messages: the window opened with its count (indexed at start,"
                + " off the FX thread) after %.1f s; its first page listed %.2f s after it was selected; longest gap"
                + " between FX pulses meanwhile: %.0f ms%n",
                Files.size(mailbox) / 1048576, messages, indexed / 1e9, listed / 1e9,
                window.pulses().longestGapNanos() / 1e6);
        HeadlessFx.fx(() -> {
            window.close();
            return null;
        });
        window.closed().get();
    }

    /** An mbox file of about {@code bytes} bytes: messages of 2 to 40 KB. */
    private static int write(Path file, long bytes) throws Exception {
        int count = 0;
        long written = 0;
        String line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n";
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            while (written < bytes) {
                StringBuilder message = new StringBuilder("From sender@test.org Tue Nov 24 08:00:00 2026\n")
                        .append("From: sender@test.org\nTo: big@example.com\nSubject: message ").append(count)
                        .append("\nDate: Tue, 24 Nov 2026 08:00:00 +0000\n\n");
                int lines = 25 + count % 480;
                for (int i = 0; i < lines; i++) {
                    message.append(line);
                }
                message.append('\n');
                out.write(message.toString());
                written += message.length();
                count++;
            }
        }
        return count;
    }
}
