package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.MailboxStore;
import org.smtpmonitor.mailbox.PausingStores;
import org.smtpmonitor.mailbox.User;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.smtp.Envelope;

/**
 * A message read while a delete rewrites its mailbox, in the moment between the new file
 * taking the mailbox's name and the index following it, is read where it lies now: never
 * another message's bytes from the place the index named in the old file.
 */
class ReadDuringRewriteTest {

    private static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;

    private static byte[] message(int n) {
        // All of one length, so that the old place of one is the new place of the next.
        return ("Subject: message " + n + "\r\n\r\nbody " + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void anExportDuringARewriteWaitsForTheIndexToFollowAndGetsItsOwnBytes() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch renamed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runnable pause = () -> {
            if (armed.getAndSet(false)) {
                renamed.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (MailboxStore store = PausingStores.open(directory, MailboxFormat.RAW, List.of(new User(ALICE, 1)), pause)) {
            for (int n = 1; n <= 3; n++) {
                byte[] data = message(n);
                store.deliver(new Envelope("Q." + n, "client.test", "s@client.test", List.of(ALICE)), data,
                        data.length);
            }
            store.awaitIndexed();
            List<IndexedMessage> rows = new ArrayList<>(store.index().orElseThrow().newest(ALICE, 0, 10));
            Collections.reverse(rows);
            MailboxDirectory mail = MailboxDirectory.of(store, store.index().orElseThrow());

            armed.set(true);
            CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(() -> {
                try {
                    return mail.delete(List.of(rows.get(0).id()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(renamed.await(30, TimeUnit.SECONDS), "the delete reached its rename");
            CompletableFuture<byte[]> export = CompletableFuture.supplyAsync(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    mail.export(rows.get(1).id(), out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return out.toByteArray();
            });
            Thread.sleep(300);
            assertFalse(export.isDone(), "the export waits while the index names places in the old file");
            release.countDown();
            assertEquals(1, delete.get(30, TimeUnit.SECONDS));
            assertArrayEquals(message(2), export.get(30, TimeUnit.SECONDS));
        }
    }
}
