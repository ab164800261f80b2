package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level reader of command lines and message data. */
class SmtpInputTest {

    /** Hands out at most {@code chunk} bytes per read, as a slow network would. */
    private static InputStream chunked(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static SmtpInput input(String text, int chunk) {
        return new SmtpInput(chunked(text.getBytes(StandardCharsets.ISO_8859_1), chunk), 1000, 1024);
    }

    private static String text(SmtpInput.Message message) {
        return new String(message.data(), 0, message.length(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void commandLinesEndAtLfWithOrWithoutCr(int chunk) throws IOException {
        SmtpInput in = input("HELO a\r\nNOOP\nRSET\r\n", chunk);
        assertEquals("HELO a", in.readCommandLine());
        assertEquals("NOOP", in.readCommandLine());
        assertEquals("RSET", in.readCommandLine());
        assertNull(in.readCommandLine());
    }

    @Test
    void anUnterminatedLastLineIsNotACommand() throws IOException {
        SmtpInput in = input("QUIT", 4096);
        assertNull(in.readCommandLine());
    }

    @Test
    void pipelinedInputIsSeenAsBuffered() throws IOException {
        SmtpInput in = input("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n", 4096);
        in.readCommandLine();
        assertTrue(in.hasBufferedInput());
        in.readCommandLine();
        assertFalse(in.hasBufferedInput());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096})
    void aLongLineIsReportedAtTheLimitAndItsRestSkipped(int chunk) throws IOException {
        String longLine = "NOOP " + "x".repeat(5000);
        SmtpInput in = input(longLine + "\r\nQUIT\r\n", chunk);
        assertSame(SmtpInput.TOO_LONG, in.readCommandLine());
        assertEquals("QUIT", in.readCommandLine());
    }

    @Test
    void aLineOfExactlyTheLimitIsAccepted() throws IOException {
        String line = "N".repeat(998);
        assertEquals(line, input(line + "\r\n", 100).readCommandLine());
        assertSame(SmtpInput.TOO_LONG, input("N".repeat(999) + "\r\n", 100).readCommandLine());
    }

    @Test
    void aLongLineIsReportedBeforeItsEndArrives() throws IOException {
        // The stream never ends the line: the reader must answer without waiting for it.
        byte[] endless = new byte[2000];
        Arrays.fill(endless, (byte) 'x');
        InputStream in = new InputStream() {
            int served;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served >= endless.length) {
                    throw new IOException("the reader waited for more than the limit");
                }
                int n = Math.min(len, Math.min(100, endless.length - served));
                System.arraycopy(endless, served, b, off, n);
                served += n;
                return n;
            }
        };
        assertSame(SmtpInput.TOO_LONG, new SmtpInput(in, 1000, 4096).readCommandLine());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 4096})
    void messageEndsAtCrLfDotCrLfAndKeepsTheRestForCommands(int chunk) throws IOException {
        SmtpInput in = input("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", chunk);
        SmtpInput.Message message = in.readMessage(1000);
        assertEquals("Subject: x\r\n\r\nbody\r\n", text(message));
        assertEquals(3, message.lines());
        assertFalse(message.tooLarge());
        assertEquals("QUIT", in.readCommandLine());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void leadingDotsAreUnstuffed(int chunk) throws IOException {
        SmtpInput in = input("..hidden\r\n...two\r\n.x\r\nend\r\n.\r\n", chunk);
        assertEquals(".hidden\r\n..two\r\nx\r\nend\r\n", text(in.readMessage(1000)));
    }

    @Test
    void anEmptyMessageIsEmpty() throws IOException {
        SmtpInput in = input(".\r\n", 4096);
        SmtpInput.Message message = in.readMessage(1000);
        assertEquals(0, message.length());
        assertEquals(0, message.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void bareLfAndBareCrAndLfDotLfAreContent(int chunk) throws IOException {
        String data = "a\nb\rc\n.\nMAIL FROM:<evil@x>\r\n\n.\r\nd\r.\r\n";
        String rest = "e\r\n.\r\n";
        SmtpInput in = input(data + rest, chunk);
        // Nothing before the final CRLF.CRLF ends the message; a dot after a bare LF or CR is content.
        assertEquals(data + "e\r\n", text(in.readMessage(1000)));
    }

    @Test
    void dotCrFollowedByOtherBytesIsContent() throws IOException {
        SmtpInput in = input("x\r\n.\rz\r\n.\r\n", 4096);
        assertEquals("x\r\n\rz\r\n", text(in.readMessage(1000)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void eightBitBytesAreKeptExactly(int chunk) throws IOException {
        byte[] body = new byte[256];
        for (int i = 0; i < 256; i++) {
            body[i] = (byte) i;
        }
        byte[] wire = new byte[body.length + 7];
        System.arraycopy(body, 0, wire, 0, body.length);
        System.arraycopy("\r\n.\r\n".getBytes(StandardCharsets.US_ASCII), 0, wire, body.length, 5);
        SmtpInput in = new SmtpInput(chunked(Arrays.copyOf(wire, body.length + 5), chunk), 1000, 1024);
        SmtpInput.Message message = in.readMessage(1000);
        byte[] expected = Arrays.copyOf(body, body.length + 2);
        expected[body.length] = '\r';
        expected[body.length + 1] = '\n';
        assertArrayEquals(expected, Arrays.copyOf(message.data(), message.length()));
    }

    @Test
    void aMessageOverTheLimitIsReadToItsEndButNotKept() throws IOException {
        String big = "y".repeat(5000) + "\r\n";
        SmtpInput in = input(big + ".\r\nNOOP\r\n", 100);
        SmtpInput.Message message = in.readMessage(1000);
        assertTrue(message.tooLarge());
        assertEquals(0, message.length());
        assertEquals(big.length(), message.size());
        assertEquals("NOOP", in.readCommandLine());
    }

    @Test
    void aMessageOfExactlyTheLimitIsKept() throws IOException {
        String body = "z".repeat(998) + "\r\n";
        SmtpInput.Message message = input(body + ".\r\n", 64).readMessage(1000);
        assertFalse(message.tooLarge());
        assertEquals(body, text(message));
    }

    @Test
    void dataLinesLongerThanTheCommandLimitAreStoredAsSent() throws IOException {
        String line = "L".repeat(20_000) + "\r\n";
        SmtpInput.Message message = input(line + ".\r\n", 4096).readMessage(1_000_000);
        assertEquals(line, text(message));
    }

    @Test
    void endOfStreamDuringDataIsAnError() {
        SmtpInput in = input("half a message\r\n", 4096);
        assertThrows(EOFException.class, () -> in.readMessage(1000));
    }

    @Test
    void consecutiveMessagesEachArriveWhole() throws IOException {
        String big = "B".repeat(30_000) + "\r\n";
        SmtpInput in = input(big + ".\r\nMAIL FROM:<a@b>\r\nsmall\r\n.\r\n", 4096);
        assertEquals(big, text(in.readMessage(100_000)));
        assertEquals("MAIL FROM:<a@b>", in.readCommandLine());
        assertEquals("small\r\n", text(in.readMessage(100_000)));
    }
}
