package org.smtpmonitor.client;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.smtpmonitor.app.Monitor;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.server.ServerConfig;
import org.smtpmonitor.smtp.SmtpConfig;

/**
 * The real smtp-monitor server on 127.0.0.1 and an ephemeral port, for the client's
 * tests: users alice@example.com and bob@example.com, mailboxes in a directory of the test's.
 */
public final class RunningServer implements AutoCloseable {

    private final Monitor monitor;
    private final Semaphore closedSessions = new Semaphore(0);

    private RunningServer(Path directory, Duration idleTimeout) throws Exception {
        Path users = directory.resolve("users.txt");
        Files.writeString(users, "alice@example.com\nbob@example.com\n");
        Settings settings = new Settings(InetAddress.getLoopbackAddress(), 0, directory.resolve("mail"),
                MailboxFormat.RAW, "localhost", SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE,
                ServerConfig.DEFAULT_MAX_CONNECTIONS, idleTimeout, false);
        EventBus events = new EventBus();
        events.subscribe(event -> {
            if (event instanceof SessionClosed) {
                closedSessions.release();
            }
        });
        monitor = Monitor.start(users, settings, events);
    }

    public static RunningServer start(Path directory) throws Exception {
        return new RunningServer(directory, ServerConfig.DEFAULT_IDLE_TIMEOUT);
    }

    /** A server that closes a session silent for {@code idleTimeout} with a 421. */
    public static RunningServer start(Path directory, Duration idleTimeout) throws Exception {
        return new RunningServer(directory, idleTimeout);
    }

    public int port() {
        return monitor.server().address().getPort();
    }

    /** The bytes of a user's mailbox file now. */
    public byte[] mailbox(String address) throws IOException {
        return Files.readAllBytes(monitor.store().mailboxFile(address));
    }

    /** Waits until the server has ended {@code count} more sessions; false after 10 s. */
    public boolean awaitSessionsClosed(int count) throws InterruptedException {
        return closedSessions.tryAcquire(count, 10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        monitor.close();
    }
}
