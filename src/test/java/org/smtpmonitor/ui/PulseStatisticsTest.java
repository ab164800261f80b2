package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The pulse gaps the load figures and the pulse log are made of. */
class PulseStatisticsTest {

    @Test
    void theLongestGapIsKeptAndTakingItStartsTheWindowAfresh() {
        PulseStatistics pulses = new PulseStatistics();
        pulses.pulse(1_000_000_000L);
        pulses.pulse(1_016_000_000L);
        pulses.pulse(1_266_000_000L);
        pulses.pulse(1_282_000_000L);
        assertEquals(250_000_000L, pulses.longestGapNanos());
        assertEquals(1, pulses.gapsOver100ms());
        assertEquals(250_000_000L, pulses.takeLongestGapNanos());
        assertEquals(0, pulses.takeLongestGapNanos());
        pulses.pulse(1_322_000_000L);
        assertEquals(40_000_000L, pulses.takeLongestGapNanos());
        assertEquals(250_000_000L, pulses.longestGapNanos(), "the whole-run figure is not reset by taking");
        assertEquals(5, pulses.pulses());
    }
}
