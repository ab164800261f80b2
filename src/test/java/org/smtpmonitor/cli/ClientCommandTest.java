package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.server.ServerConfig;
import org.smtpmonitor.smtp.SmtpConfig;
import org.smtpmonitor.testing.ScriptedSmtpServer;
import org.smtpmonitor.testing.TestMonitor;

/** {@code smtp-monitor client} with piped input, against the real server on an ephemeral port. */
class ClientCommandTest {

    @TempDir
    Path directory;
    private TestMonitor server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private CommandRun client(String session) throws Exception {
        if (server == null) {
            server = TestMonitor.start(directory);
        }
        return CommandRun.run(session, "client", "--port", String.valueOf(server.port()));
    }

    @Test
    void aScriptedSessionDeliversTheTypedMessageByteForByte() throws Exception {
        CommandRun run = client("""
                HELO me
                MAIL FROM:<me@example.org>
                RCPT TO:<alice@example.com>
                DATA
                Subject: hello
                
                Hi Alice, grüße!
                \tindented, trailing space\s
                .
                QUIT
                """);
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                220 example.com ESMTP smtp-monitor ready
                250 example.com Hello me
                250 OK
                250 OK
                354 Start mail input; end with <CRLF>.<CRLF>
                250 OK: queued as Q
                221 example.com Service closing transmission channel
                """, run.outLines().replaceAll("queued as \\S+", "queued as Q"));
        assertEquals("", run.err());
        assertArrayEquals("Subject: hello\r\n\r\nHi Alice, grüße!\r\n\tindented, trailing space \r\n"
                .getBytes(StandardCharsets.UTF_8), server.mailboxBytes("alice@example.com"));
    }

    @Test
    void linesStartingWithADotArriveAsTyped() throws Exception {
        CommandRun run = client("HELO me\nMAIL FROM:<me@example.org>\nRCPT TO:<bob@example.com>\nDATA\n"
                + ".hidden\n..two\n. \n.\nQUIT\n");
        assertEquals(0, run.exit(), run.err());
        assertArrayEquals(".hidden\r\n..two\r\n. \r\n".getBytes(StandardCharsets.US_ASCII), server.mailboxBytes("bob@example.com"));
    }

    @Test
    void crlfLineEndingsInTheInputAreTheSameAsLf() throws Exception {
        CommandRun run = client("HELO me\r\nMAIL FROM:<me@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n"
                + "one\r\ntwo\r\n.\r\nQUIT\r\n");
        assertEquals(0, run.exit(), run.err());
        assertArrayEquals("one\r\ntwo\r\n".getBytes(StandardCharsets.US_ASCII), server.mailboxBytes("bob@example.com"));
    }

    @Test
    void errorRepliesArePrintedAndTheSessionGoesOn() throws Exception {
        CommandRun run = client("""
                HELO me
                FOO bar
                MAIL FROM:<me@example.org>
                RCPT TO:<nobody@example.com>
                RCPT TO:<alice@example.com>
                DATA
                after errors
                .
                QUIT
                """);
        assertEquals(0, run.exit(), run.err());
        String[] lines = run.outLines().split("\n");
        assertEquals("500 Syntax error, command unrecognized", lines[2]);
        assertEquals("550 Address unknown", lines[4]);
        assertEquals("250 OK", lines[5]);
        assertTrue(lines[7].startsWith("250 OK: queued as "), lines[7]);
        assertArrayEquals("after errors\r\n".getBytes(StandardCharsets.US_ASCII), server.mailboxBytes("alice@example.com"));
    }

    @Test
    void aMultiLineReplyIsPrintedWhole() throws Exception {
        CommandRun run = client("EHLO me\nQUIT\n");
        assertEquals("""
                220 example.com ESMTP smtp-monitor ready
                250-example.com Hello me
                250-SIZE 26214400
                250-8BITMIME
                250-PIPELINING
                250-SMTPUTF8
                250-STARTTLS
                250 HELP
                221 example.com Service closing transmission channel
                """, run.outLines());
    }

    @Test
    void theEndOfInputWithoutQuitEndsCleanly() throws Exception {
        CommandRun run = client("HELO me\nNOOP");
        assertEquals(0, run.exit());
        assertEquals("220 example.com ESMTP smtp-monitor ready\n250 example.com Hello me\n250 OK\n", run.outLines());
        assertEquals("", run.err());
    }

    @Test
    void theEndOfInputInsideAMessageSendsNothingAndSaysSo() throws Exception {
        CommandRun run = client("HELO me\nMAIL FROM:<me@example.org>\nRCPT TO:<alice@example.com>\nDATA\nhalf a message\n");
        assertEquals(1, run.exit());
        assertEquals("smtp-monitor client: end of input in the middle of a message: the message was not sent"
                + " (a line holding only '.' ends a message)", run.err().strip());
        server.events().awaitClosedSessions(1);
        assertArrayEquals(new byte[0], server.mailboxBytes("alice@example.com"));
    }

    @Test
    void theServerClosingTheConnectionEndsTheSessionCleanly() throws Exception {
        server = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.RAW,
                SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE, ServerConfig.DEFAULT_MAX_CONNECTIONS, Duration.ofMillis(300), false));
        // The person types HELO, then nothing until the server has given up on them.
        InputStream typing = new SequenceInputStream(
                new ByteArrayInputStream("HELO me\n".getBytes(StandardCharsets.US_ASCII)),
                new InputStream() {
                    private final InputStream rest = new ByteArrayInputStream("NOOP\nNOOP\n".getBytes(StandardCharsets.US_ASCII));
                    private boolean waited;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0];
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        try {
                            if (!waited) {
                                server.events().awaitClosedSessions(1);
                            }
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        } catch (AssertionError e) {
                            throw new IOException("the server kept the session open", e);
                        }
                        waited = true;
                        return rest.read(b, off, len);
                    }
                });
        CommandRun run = CommandRun.run(typing, "client", "--port", String.valueOf(server.port()));
        assertEquals(0, run.exit(), run.err());
        assertEquals("220 example.com ESMTP smtp-monitor ready\n250 example.com Hello me\n"
                + "421 example.com Idle timeout, closing transmission channel\n", run.outLines());
    }

    @Test
    void aConnectionRefusedIsOneLineAndExitOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CommandRun run = CommandRun.run("HELO me\n", "client", "--port", String.valueOf(port));
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals("smtp-monitor client: cannot connect to 127.0.0.1:" + port
                + ": connection refused (is an SMTP server listening there?)" + System.lineSeparator(), run.err());
    }

    @Test
    void noReplyInTimeIsOneLineAndExitOne() throws IOException {
        // A listener that accepts (the kernel does) but never greets.
        try (ServerSocket silent = new ServerSocket(0)) {
            CommandRun run = CommandRun.run("HELO me\n", "client", "--port", String.valueOf(silent.getLocalPort()),
                    "--timeout", "300ms");
            assertEquals(1, run.exit());
            assertEquals("smtp-monitor client: no reply from the server within 300ms", run.err().strip());
        }
    }

    @Test
    void controlCharactersFromAHostileServerAndInTypedLinesArePrintedEscaped() throws Exception {
        try (ScriptedSmtpServer hostile = ScriptedSmtpServer.start("220 evil \u001b]0;pwned\u0007\u001b[2J ready",
                Map.of("HELO", "250 hi \u009b31m\r\u202eforged", "NOOP", "250-one \u0000\n250 two\u2028"))) {
            CommandRun run = CommandRun.run("HELO me\nNOOP \u001b[2J\nQUIT\n", "client", "--echo",
                    "--port", String.valueOf(hostile.port()));
            assertEquals(0, run.exit(), run.err());
            assertEquals("""
                    220 evil \\x1b]0;pwned\\x07\\x1b[2J ready
                    smtp> HELO me
                    250 hi \\x9b31m\\x0d\\u202eforged
                    smtp> NOOP \\x1b[2J
                    250-one \\x00
                    250 two\\u2028
                    smtp> QUIT
                    221 bye
                    """, run.outLines());
        }
    }

    @Test
    void helpShowsAnExampleSession() {
        CommandRun run = CommandRun.run("", "client", "--help");
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("Usage: smtp-monitor client [-hV] [--echo] [--insecure] [--starttls] [--tls]"),
                run.out());
        assertTrue(run.out().contains("--auth=USER[:PASS]"), run.out());
        assertTrue(run.out().contains("smtp> RCPT TO:<alice@example.com>"), run.out());
        assertTrue(run.out().contains("data> ."), run.out());
    }

    @Test
    void echoPrintsEachLineAfterItsPrompt() throws Exception {
        CommandRun run = CommandRun.run("", "--version"); // the top command still works beside the subcommands
        assertEquals(0, run.exit());
        server = TestMonitor.start(directory);
        run = CommandRun.run("HELO me\nMAIL FROM:<me@example.org>\nRCPT TO:<bob@example.com>\nDATA\nhi\n.\n",
                "client", "--echo", "--port", String.valueOf(server.port()));
        assertEquals("""
                220 example.com ESMTP smtp-monitor ready
                smtp> HELO me
                250 example.com Hello me
                smtp> MAIL FROM:<me@example.org>
                250 OK
                smtp> RCPT TO:<bob@example.com>
                250 OK
                smtp> DATA
                354 Start mail input; end with <CRLF>.<CRLF>
                data> hi
                data> .
                250 OK: queued as Q
                """, run.outLines().replaceAll("queued as \\S+", "queued as Q"));
    }
}
