package org.smtpmonitor.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP API's load generator for bench/api.sh: CLIENTS threads, each with a connection
 * of its own (HTTP/1.1 keep-alive), GET one address in a loop for SECONDS seconds (or until
 * the process is stopped), each answer checked (200 and a JSON object holding a message).
 * Prints one JSON line: requests, errors, the rate, and latency percentiles.
 *
 * <pre>java -cp ... org.smtpmonitor.api.ApiLoad URL CLIENTS SECONDS [TOKEN]</pre>
 */
public final class ApiLoad {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int clients = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String token = args.length > 3 ? args[3] : null;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        int[] counts = new int[clients];
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] mine = new long[200_000];
            latencies.add(mine);
            int client = c;
            // A client of its own per thread: its own connection, as 20 test processes would have.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            HttpRequest request = builder.build();
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200 || !response.body().contains("\"id\":")) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (counts[client] < mine.length) {
                        mine[counts[client]] = System.nanoTime() - t0;
                    }
                    counts[client]++;
                }
            }, "api-load-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        Thread report = new Thread(() -> {
            running.set(false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            // The clients may still finish a request: count what each had done at this moment.
            int[] done = counts.clone();
            long total = Arrays.stream(done).asLongStream().sum();
            int kept = 0;
            for (int c = 0; c < clients; c++) {
                kept += Math.min(done[c], latencies.get(c).length);
            }
            long[] all = new long[kept];
            int at = 0;
            for (int c = 0; c < clients; c++) {
                int n = Math.min(done[c], latencies.get(c).length);
                System.arraycopy(latencies.get(c), 0, all, at, n);
                at += n;
            }
            Arrays.sort(all);
            System.out.printf(Locale.ROOT, "{\"requests\":%d,\"errors\":%d,\"seconds\":%.2f,\"rate\":%.1f,"
                            + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}%n", total, errors.get(), elapsed,
                    total / elapsed, percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1.0));
            System.out.flush();
        });
        Runtime.getRuntime().addShutdownHook(report);
        Thread.sleep((long) (seconds * 1000));
        System.exit(0);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
