package org.smtpmonitor.cli;

import java.util.List;
import java.util.Locale;

import org.smtpmonitor.client.LatencyStatistics;
import org.smtpmonitor.client.LoadGenerator;
import org.smtpmonitor.client.MailboxVerifier;
import org.smtpmonitor.text.Json;
import org.smtpmonitor.text.Printable;

/**
 * The outcome of {@code smtp-monitor bench}, for people (a few labelled lines) or for
 * scripts (one JSON object, written by hand: it is flat and small).
 */
record BenchReport(LoadGenerator.Options options, LoadGenerator.Result result, MailboxVerifier.Result verified,
                   int warmup) {

    private static final double NANOS_PER_MILLI = 1e6;

    double messagesPerSecond() {
        return result.ok() / result.seconds();
    }

    /** Message bytes accepted per second, in MB of 10^6 bytes. */
    double mbPerSecond() {
        return result.ok() * (double) options.size() / result.seconds() / 1e6;
    }

    /** True when every message was accepted, and found once when verified. */
    boolean success() {
        return result.errors() == 0 && result.ok() == options.messages() && (verified == null || verified.verified());
    }

    String text() {
        LatencyStatistics latencies = result.latencies();
        StringBuilder text = new StringBuilder();
        line(text, "server", Printable.escape(result.greeting()));
        line(text, "load", options.connections() + (options.connections() == 1 ? " connection, " : " connections, ")
                + options.messages() + " messages of " + options.size() + " bytes from " + options.from() + " to "
                + (options.spread() ? "one of " : "") + String.join(", ", options.recipients())
                + (options.spread() ? " in turn, " : ", ")
                + (result.pipelined() ? "pipelined" : "lock-step") + " (run id " + result.runId() + ")");
        if (options.reconnects()) {
            line(text, "sessions", "a new connection for every " + options.messagesPerConnection()
                    + (options.messagesPerConnection() == 1 ? " message" : " messages")
                    + ", set up while the clock ran: connect, greeting, EHLO" + (result.tls() != null ? ", TLS" : "")
                    + (options.security().authenticates() ? ", AUTH" : "") + " in the rate");
        }
        if (warmup > 0) {
            line(text, "warm-up", warmup + " messages sent first, not counted");
        }
        line(text, "sent", result.ok() + " OK, " + result.errors() + " errors in "
                + format(result.seconds(), 3) + " s");
        line(text, "rate", format(messagesPerSecond(), 0) + " messages/s, " + format(mbPerSecond(), 2)
                + " MB/s (message bytes, 1 MB = 10^6 bytes)");
        line(text, "latency", "p50 " + millis(latencies.percentile(50)) + "  p90 " + millis(latencies.percentile(90))
                + "  p99 " + millis(latencies.percentile(99)) + "  max " + millis(latencies.max())
                + " ms (MAIL FROM sent to the final 250, " + latencies.count() + " transactions)");
        if (result.tls() != null) {
            LatencyStatistics handshakes = result.handshakes();
            line(text, "tls", Printable.escape(result.tls().summary()));
            line(text, "tls time", "p50 " + millis(handshakes.percentile(50)) + "  max " + millis(handshakes.max())
                    + " ms (" + handshakes.count() + " handshakes, " + (options.reconnects() ? "in the rate)"
                    : "before the clock started: not in the rate)"));
        }
        if (options.security().authenticates()) {
            line(text, "auth", Printable.escape(options.security().credentials().user()) + " on each connection");
        }
        if (verified != null) {
            line(text, "verified", verified.found() + " found, " + verified.missing() + " missing, "
                    + verified.duplicates() + " duplicates" + (verified.verified() ? ": every message once" : ""));
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-9s %s%n", label + ":", value));
    }

    String json() {
        LatencyStatistics latencies = result.latencies();
        StringBuilder json = new StringBuilder(512).append('{');
        json.append("\"host\":").append(string(options.host()));
        json.append(",\"port\":").append(options.port());
        json.append(",\"conns\":").append(options.connections());
        json.append(",\"messages\":").append(options.messages());
        json.append(",\"size\":").append(options.size());
        json.append(",\"pipelining\":").append(result.pipelined());
        json.append(",\"ok\":").append(result.ok());
        json.append(",\"errors\":").append(result.errors());
        json.append(",\"seconds\":").append(format(result.seconds(), 6));
        json.append(",\"messagesPerSecond\":").append(format(messagesPerSecond(), 1));
        json.append(",\"mbPerSecond\":").append(format(mbPerSecond(), 3));
        json.append(",\"latencyMs\":{\"p50\":").append(millis(latencies.percentile(50)))
                .append(",\"p90\":").append(millis(latencies.percentile(90)))
                .append(",\"p99\":").append(millis(latencies.percentile(99)))
                .append(",\"max\":").append(millis(latencies.max())).append('}');
        json.append(",\"runId\":").append(string(result.runId()));
        json.append(",\"verified\":");
        if (verified == null) {
            json.append("null");
        } else {
            json.append("{\"found\":").append(verified.found()).append(",\"missing\":").append(verified.missing())
                    .append(",\"duplicates\":").append(verified.duplicates()).append('}');
        }
        json.append(",\"warmup\":").append(warmup);
        json.append(",\"messagesPerConnection\":")
                .append(options.reconnects() ? String.valueOf(options.messagesPerConnection()) : "null");
        json.append(",\"tls\":");
        if (result.tls() == null) {
            json.append("null");
        } else {
            LatencyStatistics handshakes = result.handshakes();
            json.append("{\"protocol\":").append(string(result.tls().protocol()))
                    .append(",\"cipher\":").append(string(result.tls().cipherSuite()))
                    .append(",\"handshakeMs\":{\"p50\":").append(millis(handshakes.percentile(50)))
                    .append(",\"max\":").append(millis(handshakes.max())).append("}}");
        }
        return json.append('}').toString();
    }

    /** Milliseconds with microsecond precision: {@code 0.812}. */
    private static String millis(long nanos) {
        return format(nanos / NANOS_PER_MILLI, 3);
    }

    /** A plain decimal number (never NaN or exponent notation, which JSON does not allow). */
    private static String format(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", Double.isFinite(value) ? value : 0.0);
    }

    /** A JSON string literal (RFC 8259 section 7), escaped as all our JSON is ({@link Json#quote}). */
    static String string(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2);
        Json.quote(quoted, value);
        return quoted.toString();
    }

    /** The problems of the run, for stderr. */
    List<String> problems() {
        return result.problems();
    }
}
