package org.smtpmonitor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The bus and the queued listener: publishing never waits on, or fails because of, a listener. */
class QueuedListenerTest {

    private static ReplySent reply(int n) {
        return new ReplySent(1, "250 " + n, Instant.now());
    }

    @Test
    void eventsReachTheConsumerInOrderOnItsOwnThread() throws Exception {
        List<SessionEvent> received = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(1000);
        QueuedListener listener = new QueuedListener("test-listener", 2000, 10, TimeUnit.MILLISECONDS, batch -> {
            received.addAll(batch);
            threads.add(Thread.currentThread().getName());
            batch.forEach(e -> all.countDown());
        }, dropped -> { });
        for (int i = 0; i < 1000; i++) {
            listener.accept(reply(i));
        }
        assertTrue(all.await(10, TimeUnit.SECONDS), "not every event arrived");
        listener.close();
        for (int i = 0; i < 1000; i++) {
            assertEquals("250 " + i, ((ReplySent) received.get(i)).text());
        }
        assertTrue(threads.stream().allMatch("test-listener"::equals), threads.toString());
    }

    @Test
    void stuckConsumerNeverBlocksThePublisherAndHearsHowManyEventsWereDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstBatch = new CountDownLatch(1);
        AtomicLong dropped = new AtomicLong();
        List<SessionEvent> received = new ArrayList<>();
        QueuedListener listener = new QueuedListener("stuck", 10, 10, TimeUnit.MILLISECONDS, batch -> {
            synchronized (received) {
                received.addAll(batch);
            }
            firstBatch.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, dropped::addAndGet);
        listener.accept(reply(-1));
        assertTrue(firstBatch.await(10, TimeUnit.SECONDS));
        // The consumer is stuck now: 10 events fit in the queue, the other 990 are dropped.
        for (int i = 0; i < 1000; i++) {
            listener.accept(reply(i));
        }
        release.countDown();
        listener.close();
        assertEquals(990, dropped.get());
        synchronized (received) {
            assertEquals(11, received.size());
            assertEquals("250 9", ((ReplySent) received.get(10)).text());
        }
    }

    @Test
    void closeDeliversWhatIsStillQueued() throws Exception {
        List<SessionEvent> received = new ArrayList<>();
        QueuedListener listener = new QueuedListener("closing", 100, 10, TimeUnit.MILLISECONDS, batch -> {
            synchronized (received) {
                received.addAll(batch);
            }
        }, dropped -> { });
        for (int i = 0; i < 50; i++) {
            listener.accept(reply(i));
        }
        listener.close();
        synchronized (received) {
            assertEquals(50, received.size());
        }
    }

    @Test
    void failingListenerDoesNotStopTheOthers() {
        EventBus bus = new EventBus();
        List<SessionEvent> received = new ArrayList<>();
        bus.subscribe(event -> {
            throw new IllegalStateException("broken listener (expected in this test)");
        });
        bus.subscribe(received::add);
        bus.publish(reply(1));
        assertEquals(1, received.size());
    }

    @Test
    void unsubscribedListenerHearsNothingMore() throws Exception {
        EventBus bus = new EventBus();
        List<SessionEvent> received = new ArrayList<>();
        AutoCloseable subscription = bus.subscribe(received::add);
        assertTrue(bus.hasListeners());
        bus.publish(reply(1));
        subscription.close();
        bus.publish(reply(2));
        assertEquals(1, received.size());
        assertTrue(!bus.hasListeners());
    }
}
