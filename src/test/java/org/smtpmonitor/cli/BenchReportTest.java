package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.client.LatencyStatistics;
import org.smtpmonitor.client.LoadGenerator;
import org.smtpmonitor.client.MailboxVerifier;

class BenchReportTest {

    private static BenchReport report(String host, long ok, long errors, MailboxVerifier.Result verified) {
        LoadGenerator.Options options = new LoadGenerator.Options(host, 2525, 2, 4, 1000, "a@x", List.of("b@x"), false, true,
                Duration.ofSeconds(30));
        LoadGenerator.Result result = new LoadGenerator.Result("abc12345", "220 hi", true, ok, errors, 2_000_000_000L,
                LatencyStatistics.of(1_000_000, 2_500_000, 3_000_000, 10_000_000), List.of());
        return new BenchReport(options, result, verified, 0);
    }

    @Test
    void stringsAreEscapedForJson() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\u0001é\"", BenchReport.string("a\"b\\c\n\r\t\u0001é"));
    }

    @Test
    void theJsonHoldsEveryKeyWithNumbersAsNumbers() {
        String json = report("my\"host", 4, 0, new MailboxVerifier.Result(4, 0, 0)).json();
        assertEquals("{\"host\":\"my\\\"host\",\"port\":2525,\"conns\":2,\"messages\":4,\"size\":1000,\"pipelining\":true,"
                + "\"ok\":4,\"errors\":0,\"seconds\":2.000000,\"messagesPerSecond\":2.0,\"mbPerSecond\":0.002,"
                + "\"latencyMs\":{\"p50\":2.500,\"p90\":10.000,\"p99\":10.000,\"max\":10.000},\"runId\":\"abc12345\","
                + "\"verified\":{\"found\":4,\"missing\":0,\"duplicates\":0},\"warmup\":0,\"tls\":null}", json);
    }

    @Test
    void successNeedsEveryMessageAcceptedAndVerified() {
        assertTrue(report("h", 4, 0, null).success());
        assertTrue(report("h", 4, 0, new MailboxVerifier.Result(4, 0, 0)).success());
        assertFalse(report("h", 3, 1, null).success());
        assertFalse(report("h", 4, 0, new MailboxVerifier.Result(3, 1, 0)).success());
        assertFalse(report("h", 4, 0, new MailboxVerifier.Result(4, 0, 1)).success());
        assertTrue(report("h", 4, 0, null).json().endsWith(",\"verified\":null,\"warmup\":0,\"tls\":null}"));
    }
}
