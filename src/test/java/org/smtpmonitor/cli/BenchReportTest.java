package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.client.Credentials;
import org.smtpmonitor.client.Fingerprint;
import org.smtpmonitor.client.LatencyStatistics;
import org.smtpmonitor.client.LoadGenerator;
import org.smtpmonitor.client.MailboxVerifier;
import org.smtpmonitor.client.Security;
import org.smtpmonitor.client.TlsHandshake;
import org.smtpmonitor.client.TlsMode;

class BenchReportTest {

    private static BenchReport report(String host, long ok, long errors, MailboxVerifier.Result verified) {
        LoadGenerator.Options options = new LoadGenerator.Options(host, 2525, 2, 4, 1000, "a@x", List.of("b@x"), false, true,
                Duration.ofSeconds(30));
        LoadGenerator.Result result = new LoadGenerator.Result("abc12345", "220 hi", true, ok, errors, 2_000_000_000L,
                LatencyStatistics.of(1_000_000, 2_500_000, 3_000_000, 10_000_000), List.of());
        return new BenchReport(options, result, verified, 0);
    }

    @Test
    void aTlsRunReportsItsHandshakesApartAndEscapesTheCertificate() {
        LoadGenerator.Options options = new LoadGenerator.Options("h", 465, 2, 4, 1000, "a@x", List.of("b@x"), false, false,
                Duration.ofSeconds(30), new Security(TlsMode.NONE, null, new Credentials("alice", "secret"), null));
        TlsHandshake tls = new TlsHandshake("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=evil\u001b[2J",
                Fingerprint.parse("ab".repeat(32)), 5_000_000);
        LoadGenerator.Result result = new LoadGenerator.Result("abc12345", "220 hi", false, 4, 0, 2_000_000_000L,
                LatencyStatistics.of(1_000_000), List.of(), tls, LatencyStatistics.of(5_000_000, 7_000_000));
        BenchReport report = new BenchReport(options, result, null, 0);
        String text = report.text().replace(System.lineSeparator(), "\n");
        assertTrue(text.contains("\ntls:      TLS 1.3 TLS_AES_128_GCM_SHA256, certificate CN=evil\\x1b[2J, SHA-256 ab:ab:"),
                text);
        assertTrue(text.contains("\ntls time: p50 5.000  max 7.000 ms (2 handshakes, before the clock started: not in the"
                + " rate)\nauth:     alice on each connection\n"), text);
        assertFalse(text.contains("secret"), text);
        assertTrue(report.json().endsWith(",\"tls\":{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_AES_128_GCM_SHA256\","
                + "\"handshakeMs\":{\"p50\":5.000,\"max\":7.000}}}"), report.json());
    }

    @Test
    void sessionsSetUpWhileTheClockRanHaveTheirHandshakesInTheRate() {
        LoadGenerator.Options options = new LoadGenerator.Options("h", 465, 2, 4, 1000, "a@x", List.of("b@x"), false, false,
                Duration.ofSeconds(30), new Security(TlsMode.NONE, null, new Credentials("alice", "secret"), null), 1);
        TlsHandshake tls = new TlsHandshake("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=x", Fingerprint.parse("ab".repeat(32)),
                5_000_000);
        LoadGenerator.Result result = new LoadGenerator.Result("abc12345", "220 hi", false, 4, 0, 2_000_000_000L,
                LatencyStatistics.of(1_000_000), List.of(), tls, LatencyStatistics.of(5_000_000, 6_000_000, 6_000_000,
                7_000_000));
        BenchReport report = new BenchReport(options, result, null, 0);
        String text = report.text().replace(System.lineSeparator(), "\n");
        assertTrue(text.contains("\nsessions: a new connection for every 1 message, set up while the clock ran: connect,"
                + " greeting, EHLO, TLS, AUTH in the rate\n"), text);
        assertTrue(text.contains("\ntls time: p50 6.000  max 7.000 ms (4 handshakes, in the rate)\n"), text);
        assertTrue(report.json().contains(",\"warmup\":0,\"messagesPerConnection\":1,\"tls\":{"), report.json());
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
                + "\"verified\":{\"found\":4,\"missing\":0,\"duplicates\":0},\"warmup\":0,\"messagesPerConnection\":null,"
                + "\"tls\":null}", json);
    }

    @Test
    void successNeedsEveryMessageAcceptedAndVerified() {
        assertTrue(report("h", 4, 0, null).success());
        assertTrue(report("h", 4, 0, new MailboxVerifier.Result(4, 0, 0)).success());
        assertFalse(report("h", 3, 1, null).success());
        assertFalse(report("h", 4, 0, new MailboxVerifier.Result(3, 1, 0)).success());
        assertFalse(report("h", 4, 0, new MailboxVerifier.Result(4, 0, 1)).success());
        assertTrue(report("h", 4, 0, null).json()
                .endsWith(",\"verified\":null,\"warmup\":0,\"messagesPerConnection\":null,\"tls\":null}"));
    }
}
