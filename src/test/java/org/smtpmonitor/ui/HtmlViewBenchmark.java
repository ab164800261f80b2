package org.smtpmonitor.ui;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.animation.AnimationTimer;
import javafx.scene.Scene;
import javafx.stage.Stage;

import org.smtpmonitor.message.MessageParser;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.RemoteContent;
import org.smtpmonitor.message.SafeHtml;

/**
 * The HTML view's costs, printed: how long {@link SafeHtml} takes for a newsletter, for big
 * HTML bodies and big inline images (on the calling thread, median of 5 after 2 warm-ups), and, headless, how long the
 * view takes from {@code show} to the page loaded (the first time including making the WebView)
 * with the longest gap between FX pulses meanwhile. WebKit parses and lays out the page on the
 * FX thread: that gap is what a big HTML body costs the window.
 *
 * <pre>mvn -B -ntp test-compile exec:java -Dexec.mainClass=org.smtpmonitor.ui.HtmlViewBenchmark -Dexec.classpathScope=test</pre>
 */
public final class HtmlViewBenchmark {

    private HtmlViewBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ParsedMessage newsletter = message(newsletter(40), 3, 50_000);
        ParsedMessage[] messages = {
            newsletter,                                 // the first: the WebView is made too
            newsletter,                                 // a typical newsletter: ~40 remote images, 3 cid images
            message(newsletter(1_600), 0, 0),           // about 500 KB of HTML: near the most that is shown
            message(newsletter(32_000), 0, 0),          // about 10 MB of HTML, cut to 512 KB
            message(newsletter(10), 4, 4_900_000),      // 4 cid images of 4.9 MB: the first two are shown
        };
        String[] names = {"first show", "newsletter", "500 KB html", "10 MB html", "4 big images"};
        System.out.printf(Locale.ROOT, "%-14s %10s %10s %10s %12s %10s %10s%n", "message", "html KB", "shown KB",
                "blocked", "sanitise ms", "shown ms", "gap ms");
        Path work = Files.createTempDirectory("smtp-monitor-html-bench");
        HeadlessFx.start();
        ExecutorService sanitising = Executors.newSingleThreadExecutor(new DaemonThreads("bench-sanitising"));
        PulseStatistics pulses = new PulseStatistics();
        HtmlView view = HeadlessFx.fx(() -> {
            HtmlView v = new HtmlView(sanitising, url -> { }, work.resolve(".smtp-monitor").resolve("webview"));
            Stage stage = new Stage();
            stage.setScene(new Scene(v, 1024, 768));
            stage.show();
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    pulses.pulse(now);
                }
            }.start();
            return v;
        });
        for (int i = 0; i < messages.length; i++) {
            SafeHtml safe = SafeHtml.of(messages[i], RemoteContent.BLOCKED).orElseThrow();
            long sanitise = medianMillis(messages[i]);
            int loads = HeadlessFx.fx(() -> view.contentLoadsProperty().get());
            HeadlessFx.fx(() -> {
                pulses.reset();
                return null;
            });
            long start = System.nanoTime();
            ParsedMessage shown = messages[i];
            HeadlessFx.fx(() -> {
                view.show(shown);
                return null;
            });
            while (HeadlessFx.fx(() -> view.contentLoadsProperty().get()) == loads) {
                Thread.sleep(5);
            }
            long shownMillis = (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(300); // a few pulses after the load, for the layout that follows it
            System.out.printf(Locale.ROOT, "%-14s %10d %10d %10d %12d %10d %10d%n", names[i],
                    messages[i].htmlBody().orElseThrow().length() / 1024, safe.html().length() / 1024,
                    safe.blockedRemote(), sanitise, shownMillis, pulses.longestGapNanos() / 1_000_000);
        }
        sanitising.shutdownNow();
        System.exit(0);
    }

    private static long medianMillis(ParsedMessage message) {
        long[] runs = new long[7];
        for (int i = 0; i < runs.length; i++) {
            long start = System.nanoTime();
            SafeHtml.of(message, RemoteContent.BLOCKED);
            runs[i] = System.nanoTime() - start;
        }
        long[] measured = Arrays.copyOfRange(runs, 2, runs.length);
        Arrays.sort(measured);
        return measured[measured.length / 2] / 1_000_000;
    }

    /** Mail-shaped HTML: a style block, then {@code rows} table rows with inline styles, fonts, links and remote images. */
    private static String newsletter(int rows) {
        StringBuilder html = new StringBuilder("""
                <html><head><style>
                  body { font-family: Arial, sans-serif } .row td { padding: 8px; border-bottom: 1px solid #ddd }
                  .hero { background: url(https://cdn.shop.example/hero.jpg) no-repeat; height: 200px }
                </style></head><body bgcolor="#f4f4f4"><table width="600" align="center" cellpadding="0">
                <tr><td class="hero"><img src="cid:logo0@shop.example" width="120"></td></tr>
                """);
        for (int i = 0; i < rows; i++) {
            html.append("<tr class=\"row\"><td style=\"background-color:#fff;color:#333\"><font face=\"Georgia\">")
                    .append("<a href=\"https://shop.example/p/").append(i).append("\">Product ").append(i)
                    .append("</a></font> <img src=\"https://cdn.shop.example/p/").append(i)
                    .append(".jpg\" width=\"80\" height=\"80\"><p style=\"margin:0;font-size:13px\">A short description of ")
                    .append("product ").append(i).append(", in stock, ships in two days.</p></td></tr>\n");
        }
        return html.append("<tr><td><img src=\"cid:logo1@shop.example\"><img src=\"cid:logo2@shop.example\">")
                .append("<img src=\"cid:logo3@shop.example\"></td></tr>")
                .append("</table></body></html>").toString();
    }

    private static ParsedMessage message(String html, int images, int imageBytes) {
        StringBuilder message = new StringBuilder("From: shop@shop.example\r\nTo: alice@example.com\r\n"
                + "Subject: News\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n").append(html).append("\r\n");
        byte[] image = new byte[Math.max(imageBytes, 4)];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 0, image, 0, 4);
        for (int i = 0; i < images && imageBytes > 0; i++) {
            message.append("--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <logo")
                    .append(i).append("@shop.example>\r\n\r\n")
                    .append(Base64.getMimeEncoder().encodeToString(image)).append("\r\n");
        }
        message.append("--b--\r\n");
        return MessageParser.parse(message.toString().getBytes(StandardCharsets.UTF_8));
    }
}
