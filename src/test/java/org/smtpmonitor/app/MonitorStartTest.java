package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/** Starting a monitor: the greeting's domain, and what each start-up failure says. */
class MonitorStartTest {

    @TempDir
    Path directory;

    private Settings settings(String defaultDomain) {
        return new Settings(InetAddress.getLoopbackAddress(), 0, directory, MailboxFormat.RAW, defaultDomain, 1 << 20,
                10, Duration.ofSeconds(30), false);
    }

    private String greeting(String users, String defaultDomain) throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), users);
        try (Monitor monitor = Monitor.start(file, settings(defaultDomain), new EventBus())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    monitor.server().address().getPort());
            try (RawSmtpClient client = RawSmtpClient.connect(address)) {
                return client.readReply();
            }
        }
    }

    @Test
    void greetingNamesTheDomainOfTheFirstUser() throws Exception {
        assertEquals("220 second.test ESMTP smtp-monitor ready", greeting("# x\nbob@second.test\nalice@first.test\n", "localhost"));
        assertEquals("220 localhost ESMTP smtp-monitor ready", greeting("carol\nalice@first.test\n", "localhost"));
        assertEquals("220 example.org ESMTP smtp-monitor ready", greeting("carol\n", "example.org"));
    }

    @Test
    void badUsersFileFailsWithItsKindAndMessage() throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), "alice@example.com\nalice@example.com\n");
        StartupException e = assertThrows(StartupException.class, () -> Monitor.start(file, settings("localhost"),
                new EventBus()));
        assertEquals(StartupException.Kind.USERS_FILE, e.kind());
        assertEquals(file, e.usersFile());
        assertTrue(e.getMessage().startsWith(file + ":2: 'alice@example.com' is already a user"), e.getMessage());
        assertFalse(Files.exists(directory.resolve("alice@example.com.txt")), "no mailbox for a refused users file");
    }

    @Test
    void unusableMailboxDirectoryFailsWithItsKind() throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        Path notADirectory = Files.writeString(directory.resolve("plain"), "x");
        Settings settings = settings("localhost").withMailboxDirectory(notADirectory);
        StartupException e = assertThrows(StartupException.class, () -> Monitor.start(file, settings, new EventBus()));
        assertEquals(StartupException.Kind.MAILBOX_DIRECTORY, e.kind());
        assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
    }

    @Test
    void portInUseFailsWithItsKindAndOneClearLine() throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Settings settings = settings("localhost").withPort(taken.getLocalPort());
            StartupException e = assertThrows(StartupException.class, () -> Monitor.start(file, settings, new EventBus()));
            assertEquals(StartupException.Kind.PORT, e.kind());
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is already in use",
                    e.getMessage());
        }
        // The failed start left nothing behind that stops a start on a free port.
        try (Monitor monitor = Monitor.start(file, settings("localhost"), new EventBus())) {
            assertTrue(monitor.server().isRunning());
        }
    }

    @Test
    void withoutTheIndexMailIsDeliveredAndTheStoredMailSaysTheIndexIsOff() throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), "alice@example.com\n");
        try (Monitor monitor = Monitor.start(file, settings("localhost").withIndex(false), new EventBus())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    monitor.server().address().getPort());
            try (RawSmtpClient client = RawSmtpClient.connectGreeted(address)) {
                client.command("EHLO client.test");
                String reply = client.sendMessage("a@client.test", java.util.List.of("alice@example.com"),
                        "Subject: hi\r\n\r\nhello\r\n");
                assertTrue(reply.startsWith("250 "), reply);
            }
            java.io.IOException e = assertThrows(java.io.IOException.class, monitor::mail);
            assertTrue(e.getMessage().contains("the message index is off"), e.getMessage());
        }
        assertEquals("Subject: hi\r\n\r\nhello\r\n", Files.readString(directory.resolve("alice@example.com.txt")));
        assertFalse(Files.exists(directory.resolve(".smtp-monitor").resolve("index.db")), "no index was opened");
    }
}
