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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpmonitor.smtp.DataFindings;

/** The decoder of command lines and message data, fed in chunks as a network would. */
class SmtpDecoderTest {

    /** Drives a decoder from a stream the way a connection drives it from a socket. */
    private static final class Reader {
        private final SmtpDecoder decoder;
        private final InputStream in;

        Reader(InputStream in, int maxLineLength, int bufferSize) {
            this(in, maxLineLength, bufferSize, new MemoryBudget(Long.MAX_VALUE));
        }

        Reader(InputStream in, int maxLineLength, int bufferSize, MemoryBudget budget) {
            this.decoder = new SmtpDecoder(maxLineLength, bufferSize, budget);
            this.in = in;
        }

        /** The next command, or null at the end of the stream. */
        CommandLine readCommandLine() throws IOException {
            while (true) {
                CommandLine line = decoder.nextCommand();
                if (line != null) {
                    return line;
                }
                if (!fill()) {
                    return null;
                }
            }
        }

        SmtpDecoder.Message readMessage(long maxSize) throws IOException {
            decoder.startMessage(maxSize);
            while (true) {
                SmtpDecoder.Message message = decoder.nextMessage();
                if (message != null) {
                    return message;
                }
                if (!fill()) {
                    throw new EOFException("the stream ended during DATA");
                }
            }
        }

        boolean hasBufferedInput() {
            return decoder.hasBufferedInput();
        }

        private boolean fill() throws IOException {
            ByteBuffer space = decoder.space();
            int n = in.read(space.array(), space.arrayOffset() + space.position(), space.remaining());
            if (n <= 0) {
                return false;
            }
            decoder.filled(n);
            return true;
        }
    }


    /** Hands out at most {@code chunk} bytes per read, as a slow network would. */
    private static InputStream chunked(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static Reader input(String text, int chunk) {
        return new Reader(chunked(text.getBytes(StandardCharsets.ISO_8859_1), chunk), 1000, 1024);
    }

    private static CommandLine command(String text) {
        return new CommandLine.Text(text);
    }

    private static String text(SmtpDecoder.Message message) {
        return new String(message.data(), 0, message.length(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void commandLinesEndAtLfWithOrWithoutCr(int chunk) throws IOException {
        Reader in = input("HELO a\r\nNOOP\nRSET\r\n", chunk);
        assertEquals(command("HELO a"), in.readCommandLine());
        assertEquals(command("NOOP"), in.readCommandLine());
        assertEquals(command("RSET"), in.readCommandLine());
        assertNull(in.readCommandLine());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void commandLinesAreUtf8AndWhatIsNotUtf8BecomesReplacementCharacters(int chunk) throws IOException {
        byte[] bytes = concat("MAIL FROM:<j\u00f6rg@\u4f8b\u3048.test> SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8),
                // A Latin-1 byte, an overlong '/', an encoded surrogate, a truncated sequence.
                new byte[] {'a', (byte) 0xE9, 'b', (byte) 0xC0, (byte) 0xAF, (byte) 0xED, (byte) 0xA0, (byte) 0x80,
                    (byte) 0xE2, (byte) 0x82, '\r', '\n'});
        Reader in = new Reader(chunked(bytes, chunk), 1000, 1024);
        assertEquals(command("MAIL FROM:<j\u00f6rg@\u4f8b\u3048.test> SMTPUTF8"), in.readCommandLine());
        CommandLine.Text bad = (CommandLine.Text) in.readCommandLine();
        assertTrue(bad.text().matches("a\ufffdb\ufffd+"), bad.text());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @Test
    void anUnterminatedLastLineIsNotACommand() throws IOException {
        Reader in = input("QUIT", 4096);
        assertNull(in.readCommandLine());
    }

    @Test
    void pipelinedInputIsSeenAsBuffered() throws IOException {
        Reader in = input("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n", 4096);
        in.readCommandLine();
        assertTrue(in.hasBufferedInput());
        in.readCommandLine();
        assertFalse(in.hasBufferedInput());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096})
    void aLongLineIsReportedAtTheLimitAndItsRestSkipped(int chunk) throws IOException {
        String longLine = "NOOP " + "x".repeat(5000);
        Reader in = input(longLine + "\r\nQUIT\r\n", chunk);
        assertEquals(CommandLine.TOO_LONG, in.readCommandLine());
        assertEquals(command("QUIT"), in.readCommandLine());
    }

    @Test
    void aLineThatReadsLikeTheTooLongMarkIsAnOrdinaryCommand() throws IOException {
        assertEquals(command("<line too long>"), input("<line too long>\r\n", 4096).readCommandLine());
    }

    @Test
    void aLineOfExactlyTheLimitIsAccepted() throws IOException {
        String line = "N".repeat(998);
        assertEquals(command(line), input(line + "\r\n", 100).readCommandLine());
        assertEquals(CommandLine.TOO_LONG, input("N".repeat(999) + "\r\n", 100).readCommandLine());
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
        assertEquals(CommandLine.TOO_LONG, new Reader(in, 1000, 4096).readCommandLine());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 4096})
    void messageEndsAtCrLfDotCrLfAndKeepsTheRestForCommands(int chunk) throws IOException {
        Reader in = input("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", chunk);
        SmtpDecoder.Message message = in.readMessage(1000);
        assertEquals("Subject: x\r\n\r\nbody\r\n", text(message));
        assertEquals(3, message.lines());
        assertFalse(message.tooLarge());
        assertEquals(command("QUIT"), in.readCommandLine());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void leadingDotsAreUnstuffed(int chunk) throws IOException {
        Reader in = input("..hidden\r\n...two\r\n.x\r\nend\r\n.\r\n", chunk);
        assertEquals(".hidden\r\n..two\r\nx\r\nend\r\n", text(in.readMessage(1000)));
    }

    @Test
    void anEmptyMessageIsEmpty() throws IOException {
        Reader in = input(".\r\n", 4096);
        SmtpDecoder.Message message = in.readMessage(1000);
        assertEquals(0, message.length());
        assertEquals(0, message.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void bareLfAndBareCrAndLfDotLfAreContent(int chunk) throws IOException {
        String data = "a\nb\rc\n.\nMAIL FROM:<evil@x>\r\n\n.\r\nd\r.\r\n";
        String rest = "e\r\n.\r\n";
        Reader in = input(data + rest, chunk);
        // Nothing before the final CRLF.CRLF ends the message; a dot after a bare LF or CR is content.
        assertEquals(data + "e\r\n", text(in.readMessage(1000)));
    }

    @Test
    void dotCrFollowedByOtherBytesIsContent() throws IOException {
        Reader in = input("x\r\n.\rz\r\n.\r\n", 4096);
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
        Reader in = new Reader(chunked(Arrays.copyOf(wire, body.length + 5), chunk), 1000, 1024);
        SmtpDecoder.Message message = in.readMessage(1000);
        byte[] expected = Arrays.copyOf(body, body.length + 2);
        expected[body.length] = '\r';
        expected[body.length + 1] = '\n';
        assertArrayEquals(expected, Arrays.copyOf(message.data(), message.length()));
    }

    @Test
    void aMessageOverTheLimitIsReadToItsEndButNotKept() throws IOException {
        String big = "y".repeat(5000) + "\r\n";
        Reader in = input(big + ".\r\nNOOP\r\n", 100);
        SmtpDecoder.Message message = in.readMessage(1000);
        assertTrue(message.tooLarge());
        assertEquals(0, message.length());
        assertEquals(big.length(), message.size());
        assertEquals(command("NOOP"), in.readCommandLine());
    }

    @Test
    void aMessageOfExactlyTheLimitIsKept() throws IOException {
        String body = "z".repeat(998) + "\r\n";
        SmtpDecoder.Message message = input(body + ".\r\n", 64).readMessage(1000);
        assertFalse(message.tooLarge());
        assertEquals(body, text(message));
    }

    @Test
    void dataLinesLongerThanTheCommandLimitAreStoredAsSent() throws IOException {
        String line = "L".repeat(20_000) + "\r\n";
        SmtpDecoder.Message message = input(line + ".\r\n", 4096).readMessage(1_000_000);
        assertEquals(line, text(message));
    }

    @Test
    void endOfStreamDuringDataIsAnError() {
        Reader in = input("half a message\r\n", 4096);
        assertThrows(EOFException.class, () -> in.readMessage(1000));
    }

    @Test
    void consecutiveMessagesEachArriveWhole() throws IOException {
        String big = "B".repeat(30_000) + "\r\n";
        Reader in = input(big + ".\r\nMAIL FROM:<a@b>\r\nsmall\r\n.\r\n", 4096);
        assertEquals(big, text(in.readMessage(100_000)));
        assertEquals(command("MAIL FROM:<a@b>"), in.readCommandLine());
        assertEquals("small\r\n", text(in.readMessage(100_000)));
    }

    @Test
    void aMessageTheBudgetHasNoRoomForIsReadToItsEndButNotKeptAndItsMemoryIsGivenBack() throws IOException {
        MemoryBudget budget = new MemoryBudget(20_000);
        String big = "m".repeat(30_000) + "\r\n";
        Reader in = new Reader(chunked((big + ".\r\nNOOP\r\n").getBytes(StandardCharsets.ISO_8859_1), 4096), 1000,
                1024, budget);
        SmtpDecoder.Message message = in.readMessage(100_000);
        assertEquals(SmtpDecoder.Message.Status.NO_MEMORY, message.status());
        assertEquals(0, message.length());
        assertEquals(big.length(), message.size());
        assertEquals(0, budget.inUse());
        assertEquals(command("NOOP"), in.readCommandLine());
    }

    @Test
    void theBudgetHoldsTheBufferUntilTheMessageIsHandledAndKeepsOnlyASmallOneBetweenMessages() throws IOException {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        String big = "k".repeat(100_000) + "\r\n";
        Reader in = new Reader(chunked((big + ".\r\nsmall\r\n.\r\n").getBytes(StandardCharsets.ISO_8859_1), 4096),
                1000, 1024, budget);
        SmtpDecoder.Message message = in.readMessage(1 << 20);
        assertEquals(big, text(message));
        assertTrue(budget.inUse() >= big.length(), "in use: " + budget.inUse());
        in.decoder.messageHandled();
        assertEquals(0, budget.inUse());

        assertEquals("small\r\n", text(in.readMessage(1 << 20)));
        in.decoder.messageHandled();
        assertTrue(budget.inUse() > 0 && budget.inUse() <= 64 * 1024, "kept: " + budget.inUse());
        in.decoder.free();
        assertEquals(0, budget.inUse());
    }

    @Test
    void aMessageOverTheSizeLimitGivesItsMemoryBack() throws IOException {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        Reader in = new Reader(chunked(("x".repeat(50_000) + "\r\n.\r\n").getBytes(StandardCharsets.ISO_8859_1), 4096),
                1000, 1024, budget);
        assertTrue(in.readMessage(20_000).tooLarge());
        assertEquals(0, budget.inUse());
    }

    @Test
    void peakMemoryIsTheLastGrowthHoldingOldAndNewBuffer() {
        assertEquals(3L << 20, SmtpDecoder.peakMemory(2L << 20));
        assertEquals((16L << 20) + (25L << 20), SmtpDecoder.peakMemory(25L << 20));
        assertEquals(100, SmtpDecoder.peakMemory(100));
    }

    private static DataFindings findings(String data, int chunk) throws IOException {
        return input(data + ".\r\n", chunk).readMessage(100_000).findings();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4096})
    void wellFormedDataHasNoFindings(int chunk) throws IOException {
        assertSame(DataFindings.NONE, findings("Subject: x\r\n\r\n..dot\r\n\tTab\r\n" + "y".repeat(998) + "\r\n", chunk));
        assertSame(DataFindings.NONE, findings("", chunk));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4096})
    void bareCrAndBareLfAreFoundWhereverTheyAre(int chunk) throws IOException {
        assertEquals(new DataFindings(false, true, false, false), findings("a\nb\r\n", chunk));
        assertEquals(new DataFindings(false, true, false, false), findings("a\r\n\nb\r\n", chunk));
        assertEquals(new DataFindings(false, true, false, false), findings("a\r\n.\nb\r\n", chunk));
        assertEquals(new DataFindings(true, false, false, false), findings("a\rb\r\n", chunk));
        assertEquals(new DataFindings(true, false, false, false), findings("a\r\r\n", chunk));
        assertEquals(new DataFindings(true, false, false, false), findings("a\r\n.\rz\r\n", chunk));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4096})
    void eightBitBytesAreFoundInLinesAndAfterABareCr(int chunk) throws IOException {
        assertEquals(new DataFindings(false, false, true, false), findings("caf\u00e9\r\n", chunk));
        assertEquals(new DataFindings(true, false, true, false), findings("a\r\u00ff\r\n", chunk));
        assertEquals(new DataFindings(false, false, true, false), findings("\u0080\r\n", chunk));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096})
    void aLineOver998BytesWithoutItsEndingIsFound(int chunk) throws IOException {
        assertEquals(DataFindings.NONE, findings("x".repeat(998) + "\r\nshort\r\n", chunk));
        assertEquals(new DataFindings(false, false, false, true), findings("x".repeat(999) + "\r\n", chunk));
        // A stuffed dot is not part of the line (RFC 5321 4.5.3.1.6).
        assertEquals(DataFindings.NONE, findings("." + "x".repeat(998) + "\r\n", chunk));
        // A bare LF ends the line it counts.
        assertEquals(new DataFindings(false, true, false, false), findings(("x".repeat(600) + "\n").repeat(3) + "\r\n", chunk));
        assertEquals(new DataFindings(false, true, false, true), findings("x".repeat(999) + "\n\r\n", chunk));
    }

    @Test
    void aLongLineTakesNoMoreMemoryThanItsBytes() throws IOException {
        // Counted, not buffered: a 200 KB line in a message over the limit keeps nothing.
        SmtpDecoder.Message message = input("z".repeat(200_000) + "\r\n.\r\nNOOP\r\n", 4096).readMessage(1000);
        assertTrue(message.tooLarge());
        assertEquals(0, message.length());
        assertTrue(message.findings().longLine());
    }
}
