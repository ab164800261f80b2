package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import javafx.application.Platform;

/** How the FX thread keeps up, as the load benchmark measures it. */
final class FxResponsiveness {

    private FxResponsiveness() {
    }

    /**
     * Every gap between pulses, by the second of the flood it began in, with the CPU time
     * the FX thread used in it: a gap full of FX work is the window's own doing, a gap
     * with little is the FX thread waiting for a core.
     */
    static final class GapTimeline extends javafx.animation.AnimationTimer {
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private final List<long[]> gaps = new ArrayList<>(); // {start offset, length, FX CPU in it}
        private long first;
        private long last;
        private long lastCpu;

        GapTimeline() {
            start();
        }

        @Override
        public void handle(long now) {
            long cpu = threads.getCurrentThreadCpuTime();
            if (last == 0) {
                first = now;
            } else {
                gaps.add(new long[] {last - first, now - last, cpu - lastCpu});
            }
            last = now;
            lastCpu = cpu;
        }

        /** The FX thread's CPU time within the longest gap of the whole run. */
        long cpuInLongest() {
            long[] longest = {0, 0, 0};
            for (long[] gap : gaps) {
                if (gap[1] > longest[1]) {
                    longest = gap;
                }
            }
            return longest[2];
        }

        /** The gaps in which the FX thread used the most CPU, most first: each {start offset, length, FX CPU} in ns. */
        List<long[]> busiest(int count) {
            return gaps.stream().sorted((a, b) -> Long.compare(b[2], a[2])).limit(count).toList();
        }

        /** The most CPU the FX thread used in one gap that began between these {@code System.nanoTime()} times. */
        long longestCpu(long fromNanos, long toNanos) {
            long most = 0;
            for (long[] gap : gaps) {
                long at = first + gap[0];
                if (at >= fromNanos && at < toNanos) {
                    most = Math.max(most, gap[2]);
                }
            }
            return most;
        }

        /** The time of the first pulse measured ({@code System.nanoTime()}), from which gaps are offset. */
        long firstPulseNanos() {
            return first;
        }

        /** The most CPU time the FX thread used between two pulses: the window's own work, whatever the machine's load. */
        long longestCpu() {
            long most = 0;
            for (long[] gap : gaps) {
                most = Math.max(most, gap[2]);
            }
            return most;
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
