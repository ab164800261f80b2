package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import javafx.application.Platform;

/** How the FX thread keeps up, as the load benchmark measures it. */
final class FxResponsiveness {

    private FxResponsiveness() {
    }

    /** Every gap between pulses, by the second of the flood it began in. */
    static final class GapTimeline extends javafx.animation.AnimationTimer {
        private final List<long[]> gaps = new ArrayList<>(); // {start offset, length}
        private long first;
        private long last;

        GapTimeline() {
            start();
        }

        @Override
        public void handle(long now) {
            if (last == 0) {
                first = now;
            } else {
                gaps.add(new long[] {last - first, now - last});
            }
            last = now;
        }

        long longest(int fromSecond, int toSecond) {
            long longest = 0;
            for (long[] gap : gaps) {
                long second = gap[0] / 1_000_000_000L;
                if (second >= fromSecond && second < toSecond) {
                    longest = Math.max(longest, gap[1]);
                }
            }
            return longest;
        }

        long median() {
            long[] lengths = gaps.stream().mapToLong(g -> g[1]).sorted().toArray();
            return lengths.length == 0 ? 0 : lengths[lengths.length / 2];
        }
    }

    /** Asks the FX thread for a no-op every 50 ms and notes the slowest answer and the peak heap. */
    static final class Probe {
        volatile long worstNanos;
        volatile long peakHeap;
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::run, "fx-probe");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private void run() {
            while (running) {
                long asked = System.nanoTime();
                CountDownLatch answered = new CountDownLatch(1);
                Platform.runLater(answered::countDown);
                try {
                    answered.await();
                    worstNanos = Math.max(worstNanos, System.nanoTime() - asked);
                    peakHeap = Math.max(peakHeap, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
