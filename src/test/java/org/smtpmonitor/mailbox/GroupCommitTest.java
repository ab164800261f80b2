package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.testing.Await;

/** Syncs shared between concurrent deliveries, and what a failing sync leaves behind. */
class GroupCommitTest {

    private static final List<User> USERS = List.of(new User("alice@example.com", 1));

    @TempDir
    Path directory;

    /** Counts syncs; fails them while {@code failing} is set; can hold a sync until released. */
    private static final class TestDisk implements Disk {
        final AtomicInteger syncs = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public void sync(FileChannel channel) throws IOException {
            syncs.incrementAndGet();
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (failing.get()) {
                throw new IOException("Input/output error");
            }
            channel.force(false);
        }
    }

    private final TestDisk disk = new TestDisk();

    private MailboxStore store() throws IOException {
        MailboxStore store = new MailboxStore(directory, MailboxFormat.RAW, USERS, "localhost", disk);
        store.createMailboxes();
        return store;
    }

    private static void deliver(MailboxStore store, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        store.deliver(new Envelope("Q", "h", "a@b.c", List.of("alice@example.com")), data, data.length);
    }

    private String mailbox() throws IOException {
        return Files.readString(directory.resolve("alice@example.com.txt"), StandardCharsets.US_ASCII);
    }

    @Test
    void deliveriesWaitingForOneSyncAreCoveredByTheNext() throws Exception {
        MailboxStore store = store();
        disk.entered = new CountDownLatch(1);
        disk.release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            Future<?> first = pool.submit(() -> {
                deliver(store, "first\r\n");
                return null;
            });
            assertTrue(disk.entered.await(5, TimeUnit.SECONDS));
            // While the first sync is under way, five more messages are appended ...
            List<Future<?>> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String text = "other " + i + "\r\n";
                others.add(pool.submit(() -> {
                    deliver(store, text);
                    return null;
                }));
            }
            Await.until("the mailbox holds six lines", Duration.ofSeconds(5), () -> mailbox().split("\r\n").length == 6);
            disk.release.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (Future<?> other : others) {
                other.get(5, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // ... and one more sync makes all five durable.
        assertEquals(2, disk.syncs.get());
    }

    @Test
    void aFailedSyncCutsTheMessageBackAndTheNextDeliveryWorks() throws Exception {
        MailboxStore store = store();
        deliver(store, "kept\r\n");
        disk.failing.set(true);
        IOException error = assertThrows(IOException.class, () -> deliver(store, "lost\r\n"));
        assertTrue(error.getMessage().contains("Input/output error"), error.getMessage());
        assertEquals("kept\r\n", mailbox());
        disk.failing.set(false);
        deliver(store, "after\r\n");
        assertEquals("kept\r\nafter\r\n", mailbox());
    }

    @Test
    void everyDeliveryWaitingOnAFailedSyncFailsAndNoneOfItStays() throws Exception {
        MailboxStore store = store();
        deliver(store, "kept\r\n");
        disk.entered = new CountDownLatch(1);
        disk.release = new CountDownLatch(1);
        disk.failing.set(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> deliveries = new ArrayList<>();
        try {
            deliveries.add(pool.submit(() -> {
                deliver(store, "one\r\n");
                return null;
            }));
            assertTrue(disk.entered.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) {
                String text = "waiting " + i + "\r\n";
                deliveries.add(pool.submit(() -> {
                    deliver(store, text);
                    return null;
                }));
            }
            Await.until("the mailbox holds five lines", Duration.ofSeconds(5), () -> mailbox().split("\r\n").length == 5);
            disk.release.countDown();
            for (Future<?> delivery : deliveries) {
                Exception e = assertThrows(Exception.class, () -> delivery.get(5, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("kept\r\n", mailbox());
    }
}
