package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestMonitor;

/** The client core against the real server over 127.0.0.1. */
class SmtpConnectionTest {

    @TempDir
    Path directory;
    private TestMonitor server;
    private SmtpConnection connection;

    @BeforeEach
    void start() throws Exception {
        server = TestMonitor.start(directory);
        connection = SmtpConnection.open("127.0.0.1", server.port(), Duration.ofSeconds(10));
        assertEquals(220, connection.readReply().code());
    }

    @AfterEach
    void stop() throws IOException {
        connection.close();
        server.close();
    }

    @Test
    void pipelinedCommandsGetTheirRepliesInOrder() throws IOException {
        connection.send("EHLO me");
        connection.send("MAIL FROM:<me@example.org>");
        connection.send("RCPT TO:<alice@example.com>");
        connection.send("RCPT TO:<nobody@example.com>");
        connection.send("RCPT TO:<bob@example.com>");
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            codes.add(connection.readReply().code());
        }
        assertEquals(List.of(250, 250, 250, 550, 250), codes);
    }

    @Test
    void theEhloReplyIsReadWhole() throws IOException {
        SmtpReply reply = connection.command("EHLO me");
        assertEquals(List.of("example.com Hello me", "SIZE 26214400", "8BITMIME", "PIPELINING", "SMTPUTF8", "STARTTLS", "HELP"),
                reply.texts());
        assertEquals(250, connection.command("NOOP").code());
    }

    @Test
    void messageDataArrivesExactlyAsGivenWhateverItsDotsAndBytes() throws IOException {
        byte[] data = (".starts with a dot\r\n..two dots\r\n.\r\nbare LF\n.after bare LF\r\n"
                + "8-bit: Grüße \u00ff\r\nno line end at the end").getBytes(StandardCharsets.UTF_8);
        connection.send("HELO me");
        connection.send("MAIL FROM:<me@example.org>");
        connection.send("RCPT TO:<alice@example.com>");
        connection.send("DATA");
        for (int expected : new int[] {250, 250, 250, 354}) {
            assertEquals(expected, connection.readReply().code());
        }
        connection.sendData(data);
        assertEquals(250, connection.readReply().code());

        byte[] withCrlf = new byte[data.length + 2];
        System.arraycopy(data, 0, withCrlf, 0, data.length);
        withCrlf[data.length] = '\r';
        withCrlf[data.length + 1] = '\n';
        assertArrayEquals(withCrlf, server.mailboxBytes("alice@example.com"));
    }

    @Test
    void aCommandWithALineBreakIsRefusedBeforeItIsSent() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> connection.send("RCPT TO:<a@b>\r\nRSET"));
        assertThrows(IllegalArgumentException.class, () -> connection.send("RCPT TO:<jörg@b>\nRSET"));
        assertEquals(250, connection.command("NOOP").code());
    }

    @Test
    void aNonAsciiCommandGoesOutAsOneLine() throws IOException {
        // The server refuses a UTF-8 recipient in a transaction without SMTPUTF8 (553); one
        // reply, then the next command's, prove the line arrived whole, as one command.
        assertEquals(250, connection.command("HELO me").code());
        assertEquals(250, connection.command("MAIL FROM:<me@example.org>").code());
        assertEquals(553, connection.command("RCPT TO:<jörg@example.com>").code());
        assertEquals(250, connection.command("RCPT TO:<alice@example.com>").code());
    }

    @Test
    void theServerClosingAfterQuitIsEndOfStream() throws IOException {
        assertEquals(221, connection.command("QUIT").code());
        assertThrows(java.io.EOFException.class, connection::readReply);
    }
}
