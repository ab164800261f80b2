package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.client.Credentials;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.testing.TestMonitor;

/**
 * {@code --auth USER} with the password in {@code SMTP_MONITOR_PASSWORD}, so that it is not
 * on a command line every user of the machine can read: {@code send} in a JVM of its own,
 * given that environment, authenticates to a server that checks the users file's passwords.
 */
class AuthPasswordFromEnvironmentTest {

    private static final String PASSWORD = "s3cret: with a colon";

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.startCheckingPasswords(directory, PASSWORD);
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    /** Runs {@code send --auth alice@example.com} in a JVM of its own; answers its exit status and output. */
    private Object[] send(Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "send", "--port",
                String.valueOf(monitor.port()), "--auth", "alice@example.com", "--from", "alice@example.com",
                "--to", "bob@example.com", "--subject", "from the environment", "--body", "hello"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(AuthArgument.PASSWORD_VARIABLE);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        return new Object[] {process.exitValue(), output};
    }

    private long logins() {
        return monitor.events().all().stream().filter(SessionAuthenticated.class::isInstance).count();
    }

    @Test
    void thePasswordComesFromTheEnvironment() throws Exception {
        Object[] run = send(Map.of(AuthArgument.PASSWORD_VARIABLE, PASSWORD));
        assertEquals(0, run[0], (String) run[1]);
        assertEquals(1, logins());
        assertTrue(Files.readString(directory.resolve("bob@example.com.txt")).contains("Subject: from the environment"));
        assertFalse(((String) run[1]).contains(PASSWORD), (String) run[1]);
        assertTrue(monitor.events().all().stream().map(EventText::of).noneMatch(text -> text.contains(PASSWORD)));
    }

    @Test
    void aWrongPasswordInTheEnvironmentIsRefused() throws Exception {
        Object[] run = send(Map.of(AuthArgument.PASSWORD_VARIABLE, "not it"));
        assertEquals(1, run[0], (String) run[1]);
        assertTrue(((String) run[1]).contains("535"), (String) run[1]);
        assertEquals(0, logins());
        assertEquals("", Files.readString(directory.resolve("bob@example.com.txt")));
    }

    @Test
    void noPasswordAnywhereIsABadCommandLineThatSaysWhereToPutIt() throws Exception {
        Object[] run = send(Map.of());
        assertEquals(2, run[0], (String) run[1]);
        assertTrue(((String) run[1]).contains("--auth: no password for alice@example.com: give USER:PASS, or USER with"
                + " the password in the environment variable SMTP_MONITOR_PASSWORD"), (String) run[1]);
        assertEquals(0, logins());
    }

    @Test
    void aColonInTheValueStillSplitsUserAndPasswordThere() {
        assertEquals(new Credentials("alice", "pa:ss"), AuthArgument.credentials("alice:pa:ss", name -> "ignored"));
        assertEquals(new Credentials("alice", "from env"), AuthArgument.credentials("alice", Map.of(
                AuthArgument.PASSWORD_VARIABLE, "from env")::get));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> AuthArgument.credentials(":pass", name -> null));
        assertFalse(empty.getMessage().contains("pass"), empty.getMessage());
    }
}
