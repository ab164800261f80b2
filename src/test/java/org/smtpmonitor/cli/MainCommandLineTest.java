package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.ExternalProcess;

import picocli.CommandLine;

/** The command line, run in-process through picocli: exit codes and the one-line errors on stderr. */
class MainCommandLineTest {

    @TempDir
    Path directory;

    /** What one run printed and returned. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Path usersFile(String content) throws Exception {
        return Files.writeString(directory.resolve("users.txt"), content);
    }

    /**
     * An option's description is one paragraph, which picocli wraps to the width of its
     * column: given as several strings, each is a line of its own, and one longer than the
     * column is wrapped apart from the rest ("each one's" / "connect, greeting, ...").
     */
    @Test
    void everyOptionsDescriptionIsOneParagraph() {
        List<String> split = new ArrayList<>();
        List<CommandLine> commands = new ArrayList<>(List.of(Main.commandLine()));
        for (int i = 0; i < commands.size(); i++) {
            CommandLine command = commands.get(i);
            commands.addAll(command.getSubcommands().values());
            for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                if (option.description().length > 1) {
                    split.add(command.getCommandName() + " " + option.longestName());
                }
            }
        }
        assertEquals(List.of(), split);
    }

    @Test
    void helpListsEveryOptionAndExitsZero() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Usage: smtp-monitor"), run.out());
        for (String option : List.of("USERS_FILE", "--port", "--bind", "--mailbox-dir", "--format", "--domain",
                "--max-message-size", "--max-connections", "--idle-timeout", "--require-helo-domain", "--auth",
                "--require-auth", "--allow-insecure-auth", "--headless",
                "--help", "--version")) {
            assertTrue(run.out().contains(option), "--help does not mention " + option);
        }
        assertEquals("", run.err());
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Run run = run("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().strip().matches("smtp-monitor \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), run.out());
    }

    @Test
    void unknownOptionExitsTwoNamingIt() {
        Run run = run("--bogus");
        assertEquals(2, run.exitCode());
        assertEquals("smtp-monitor: Unknown option: '--bogus' (see smtp-monitor --help)", run.err().strip());
    }

    @Test
    void badOptionValuesExitTwoWithAClearMessage() throws Exception {
        Path users = usersFile("alice@example.com\n");
        String file = users.toString();
        assertBadValue("--port", run(file, "--headless", "--port", "seventy"));
        assertBadValue("--port: 70000 is not between 0 and 65535", run(file, "--headless", "--port", "70000"));
        assertBadValue("--format: 'xml' is not raw or mbox", run(file, "--headless", "--format", "xml"));
        assertBadValue("'0' is not a positive size", run(file, "--headless", "--max-message-size", "0"));
        assertBadValue("'lots' is not a size", run(file, "--headless", "--max-message-size", "lots"));
        assertBadValue("'soon' is not a duration", run(file, "--headless", "--idle-timeout", "soon"));
        assertBadValue("--max-connections: must be at least 1", run(file, "--headless", "--max-connections", "0"));
        assertBadValue("--domain", run(file, "--headless", "--domain", "bad_domain"));
        String longLabel = "d".repeat(64) + ".example.com";
        // The option is checked before the users file is read (a missing one here), so nothing starts.
        assertBadValue("--domain: a part of the domain '" + longLabel + "' is longer than 63 characters",
                run(directory.resolve("missing.txt").toString(), "--headless", "--domain", longLabel));
    }

    private static void assertBadValue(String expected, Run run) {
        assertEquals(2, run.exitCode(), run.err());
        assertOneErrorLine(run);
        assertTrue(run.err().contains(expected), "stderr does not say '" + expected + "': " + run.err());
    }

    private static void assertOneErrorLine(Run run) {
        String err = run.err().strip();
        assertTrue(err.startsWith("smtp-monitor: ") && !err.contains("\n"), "not one error line: " + run.err());
    }

    @Test
    void headlessWithoutAUsersFileIsABadCommandLine() {
        Run run = run("--headless");
        assertEquals(2, run.exitCode());
        assertEquals("smtp-monitor: --headless needs a USERS_FILE (see smtp-monitor --help)", run.err().strip());
    }

    @Test
    void badUsersFileExitsOneWithFileLineAndReason() throws Exception {
        Path users = usersFile("alice@example.com\n# comment\nbob@@example.com\n");
        Run run = run(users.toString(), "--headless", "--port", "0", "--mailbox-dir", directory.toString());
        assertEquals(1, run.exitCode());
        assertEquals("smtp-monitor: " + users + ":3: 'bob@@example.com' is not an address: more than one '@'",
                run.err().strip());
        assertTrue(Files.notExists(directory.resolve("alice@example.com.txt")), "no mailbox made for a bad users file");
    }

    @Test
    void usersFileErrorShowsControlAndBidiCharactersEscaped() throws Exception {
        Path users = usersFile("alice@example.com\nbob\u009b2J@example.com\n");
        Run run = run(users.toString(), "--headless", "--port", "0", "--mailbox-dir", directory.toString());
        assertEquals(1, run.exitCode());
        assertEquals("smtp-monitor: " + users + ":2: 'bob\\x9b2J@example.com' holds a control character",
                run.err().strip());

        Files.writeString(users, "\u202emoc.elpmaxe@evil\n");
        run = run(users.toString(), "--headless", "--port", "0", "--mailbox-dir", directory.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("smtp-monitor: " + users + ":1: '\\u202emoc.elpmaxe@evil' holds an invisible"),
                run.err());
    }

    @Test
    void fifoAsUsersFileExitsOneAtOnceInsteadOfHanging() throws Exception {
        Path fifo = directory.resolve("users.fifo");
        ExternalProcess.run(directory, List.of("mkfifo", fifo.toString()), 10);
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> run(fifo.toString(), "--headless", "--port", "0", "--mailbox-dir", directory.toString()));
        assertEquals(1, run.exitCode());
        assertEquals("smtp-monitor: " + fifo + ": is not a regular file", run.err().strip());
    }

    @Test
    void missingUsersFileExitsOne() {
        Path missing = directory.resolve("missing.txt");
        Run run = run(missing.toString(), "--headless", "--port", "0");
        assertEquals(1, run.exitCode());
        assertEquals("smtp-monitor: " + missing + ": no such file", run.err().strip());
    }

    @Test
    void portInUseExitsOneWithOneClearLine() throws Exception {
        Path users = usersFile("alice@example.com\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run run = run(users.toString(), "--headless", "--port", String.valueOf(port), "--mailbox-dir",
                    directory.toString());
            assertEquals(1, run.exitCode());
            assertEquals("smtp-monitor: cannot listen on 127.0.0.1:" + port + ": the port is already in use",
                    run.err().strip());
        }
    }

    @Test
    void mailboxDirectoryUnderARegularFileExitsOne() throws Exception {
        Path users = usersFile("alice@example.com\n");
        Path plainFile = Files.writeString(directory.resolve("plain"), "not a directory");
        Path mailboxes = plainFile.resolve("mail");
        Run run = run(users.toString(), "--headless", "--port", "0", "--mailbox-dir", mailboxes.toString());
        assertEquals(1, run.exitCode());
        assertEquals("smtp-monitor: cannot create mailbox directory " + mailboxes + ": Not a directory", run.err().strip());
    }

    @Test
    void maxMemoryIsDocumentedAndMustHoldAMessageOfTheLargestSize() throws Exception {
        assertTrue(run("--help").out().contains("--max-memory=SIZE"));
        String file = usersFile("alice@example.com\n").toString();
        // 25 MB needs 16 MB + 25 MB while it grows, and 64 KB for each of the 99 other sessions.
        assertBadValue("--max-memory: 40MB is too small: a message of --max-message-size 25MB with --max-connections 100"
                + " needs at least 49479680 bytes (48MB)", run(file, "--headless", "--max-memory", "40MB"));

        assertEquals(100L << 20, settings(file, "--max-memory", "100MB").maxMemory());
        assertEquals(Math.max(Runtime.getRuntime().maxMemory() / 4, 49479680), settings(file).maxMemory());
        assertEquals(Math.max(Runtime.getRuntime().maxMemory() / 4, (3L << 20) + 64 * 1024),
                settings(file, "--max-message-size", "2MB", "--max-connections", "2").maxMemory());
    }

    @Test
    void authOptionsBecomeTheServersAuthPolicy() throws Exception {
        String file = usersFile("alice@example.com s3cret\n").toString();
        assertEquals(AuthPolicy.OFF, settings(file).auth());
        assertEquals(AuthPolicy.of(AuthMode.USERS, true, true),
                settings(file, "--auth", "USERS", "--require-auth", "--allow-insecure-auth").auth());
        assertEquals(AuthPolicy.of(AuthMode.ANY, false, false), settings(file, "--auth", "any").auth());
        assertBadValue("--auth: 'maybe' is not off, any or users", run(file, "--headless", "--auth", "maybe"));
        assertBadValue("--require-auth needs --auth any or --auth users", run(file, "--headless", "--require-auth"));
    }

    @Test
    void authByUsersWithoutAnyPasswordInTheFileExitsOne() throws Exception {
        Path users = usersFile("alice@example.com\nbob@example.com\n");
        Run run = run(users.toString(), "--headless", "--port", "0", "--mailbox-dir", directory.toString(), "--auth", "users");
        assertEquals(1, run.exitCode());
        assertEquals("smtp-monitor: " + users + ": --auth users, but no user has a password: write it after the address,"
                + " as in 'alice@example.com s3cret'", run.err().strip());
    }

    private static Settings settings(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs(args);
        return ((Main) commandLine.getCommand()).settings();
    }
}
