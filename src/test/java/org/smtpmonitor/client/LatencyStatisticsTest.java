package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyStatisticsTest {

    @Test
    void percentilesOfOneToHundredAreTheNearestRanks() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // unsorted on purpose
        }
        LatencyStatistics statistics = LatencyStatistics.of(values);
        assertEquals(100, statistics.count());
        assertEquals(50, statistics.percentile(50));
        assertEquals(90, statistics.percentile(90));
        assertEquals(99, statistics.percentile(99));
        assertEquals(100, statistics.percentile(100));
        assertEquals(1, statistics.percentile(0.5));
        assertEquals(100, statistics.max());
    }

    @Test
    void percentilesOfTenValuesRoundTheRankUp() {
        LatencyStatistics statistics = LatencyStatistics.of(7, 1, 9, 3, 5, 2, 10, 4, 8, 6);
        assertEquals(5, statistics.percentile(50)); // rank ceil(5) = 5
        assertEquals(9, statistics.percentile(90)); // rank ceil(9) = 9, not 10 by a rounding error
        assertEquals(10, statistics.percentile(91)); // rank ceil(9.1) = 10
        assertEquals(10, statistics.percentile(99));
        assertEquals(1, statistics.percentile(10));
        assertEquals(2, statistics.percentile(10.01));
    }

    @Test
    void oneValueIsEveryPercentile() {
        LatencyStatistics statistics = LatencyStatistics.of(42);
        assertEquals(42, statistics.percentile(50));
        assertEquals(42, statistics.percentile(99));
        assertEquals(42, statistics.max());
    }

    @Test
    void noValuesGiveZeros() {
        LatencyStatistics statistics = LatencyStatistics.of();
        assertEquals(0, statistics.count());
        assertEquals(0, statistics.percentile(50));
        assertEquals(0, statistics.max());
    }

    @Test
    void partsAreMergedUpToTheirCounts() {
        long[] first = {30, 10, 999};  // 999 is past the count: not measured
        long[] second = {20, 40, 0, 0};
        LatencyStatistics statistics = LatencyStatistics.of(new long[][] {first, second}, new int[] {2, 2});
        assertEquals(4, statistics.count());
        assertEquals(20, statistics.percentile(50));
        assertEquals(40, statistics.max());
    }

    @Test
    void aPercentileOutsideZeroToHundredIsRefused() {
        LatencyStatistics statistics = LatencyStatistics.of(1, 2);
        assertThrows(IllegalArgumentException.class, () -> statistics.percentile(0));
        assertThrows(IllegalArgumentException.class, () -> statistics.percentile(100.5));
    }
}
