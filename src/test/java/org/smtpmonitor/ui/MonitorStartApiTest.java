package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;

/** The window's start of the HTTP API, without a window: what an API that could not start leaves behind. */
class MonitorStartApiTest {

    @TempDir
    Path directory;

    private static Set<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .collect(Collectors.toSet());
    }

    @Test
    void anApiWhosePortIsInUseIsClosedLeavingNoThreadBehind() throws Exception {
        Path users = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        Set<Thread> before = threadsNamed("api-deliveries");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Settings settings = new Settings(InetAddress.getLoopbackAddress(), 0, directory.resolve("mail"),
                    MailboxFormat.RAW, "localhost", 1 << 20, 10, Duration.ofSeconds(30), false)
                    .withHttp(new HttpSettings(taken.getLocalPort(), null));
            MonitorStart start = MonitorStart.begin(users, settings);
            MonitorStart.Started started = start.started.get(30, TimeUnit.SECONDS);
            try {
                assertEquals(null, started.api());
                assertNotNull(started.apiProblem());
                // The API made for the start that failed must not go on following the server.
                List<Thread> left = threadsNamed("api-deliveries").stream().filter(t -> !before.contains(t)).toList();
                for (Thread thread : left) {
                    thread.join(5_000);
                    assertFalse(thread.isAlive(), "the API's delivery thread of a start that failed still runs");
                }
            } finally {
                started.monitor().close();
                start.subscription.close();
            }
        }
    }
}
