package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing replies: whole multi-line replies, and a clear error for anything that is not a reply. */
class SmtpReplyReaderTest {

    /** Hands out at most {@code chunk} bytes per read, as a slow network would. */
    private static SmtpReplyReader reader(String text, int chunk) {
        InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        return new SmtpReplyReader(in);
    }

    private static SmtpReply read(String text) throws IOException {
        return reader(text, 4096).read();
    }

    @Test
    void aOneLineReplyHasItsCodeAndLine() throws IOException {
        SmtpReply reply = read("250 OK\r\n");
        assertEquals(250, reply.code());
        assertEquals(List.of("250 OK"), reply.lines());
        assertEquals(List.of("OK"), reply.texts());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 4096})
    void aMultiLineReplyIsReadWholeWhateverThePacketsAre(int chunk) throws IOException {
        SmtpReply reply = reader("250-example.com Hello me\r\n250-SIZE 1000\r\n250-PIPELINING\r\n250 HELP\r\n", chunk)
                .read();
        assertEquals(250, reply.code());
        assertEquals(List.of("250-example.com Hello me", "250-SIZE 1000", "250-PIPELINING", "250 HELP"), reply.lines());
        assertEquals(List.of("example.com Hello me", "SIZE 1000", "PIPELINING", "HELP"), reply.texts());
    }

    @Test
    void pipelinedRepliesComeOutOneByOneInOrder() throws IOException {
        SmtpReplyReader reader = reader("250 OK\r\n550 Address unknown\r\n354 Go on\r\n", 4096);
        assertEquals(250, reader.read().code());
        assertTrue(reader.hasBufferedInput());
        assertEquals("550 Address unknown", reader.read().summary());
        assertEquals(354, reader.read().code());
        assertFalse(reader.hasBufferedInput());
    }

    @Test
    void aCodeWithoutTextAndABareLfAreAccepted() throws IOException {
        SmtpReplyReader reader = reader("250\r\n221 bye\n", 4096);
        assertEquals(List.of("250"), reader.read().lines());
        assertEquals(List.of("221 bye"), reader.read().lines());
    }

    @Test
    void eightBitTextIsDecodedAsUtf8() throws IOException {
        assertEquals("250 Grüße", read("250 Grüße\r\n").summary());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello\r\n", "25 OK\r\n", "2500 OK\r\n", "250OK\r\n", "199 too low\r\n",
                            "600 too high\r\n", "260 second digit\r\n", "abc def\r\n", "\r\n", " 250 OK\r\n"})
    void aLineThatIsNotAReplyIsAClearError(String text) {
        SmtpProtocolException e = assertThrows(SmtpProtocolException.class, () -> read(text));
        assertTrue(e.getMessage().startsWith("malformed reply from the server: '" + text.replace("\r\n", "")), e.getMessage());
    }

    @Test
    void aMultiLineReplyThatChangesItsCodeIsMalformed() {
        SmtpProtocolException e = assertThrows(SmtpProtocolException.class, () -> read("250-one\r\n251 two\r\n"));
        assertEquals("malformed reply from the server: line '251 two' changes the code of a multi-line reply from 250",
                e.getMessage());
    }

    @Test
    void controlCharactersAreShownEscapedInTheMessage() {
        SmtpProtocolException e = assertThrows(SmtpProtocolException.class, () -> read("\u001b[2Jx\u009b\r\n"));
        assertTrue(e.getMessage().contains("'\\x1b[2Jx\\x9b'"), e.getMessage());
    }

    @Test
    void anEndlessLineIsRefusedWithBoundedMemory() {
        String line = "250 " + "x".repeat(SmtpReplyReader.MAX_LINE_LENGTH) + "\r\n";
        SmtpProtocolException e = assertThrows(SmtpProtocolException.class, () -> read(line));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void anEndlessMultiLineReplyIsRefused() {
        String lines = "250-x\r\n".repeat(SmtpReplyReader.MAX_LINES + 1);
        assertThrows(SmtpProtocolException.class, () -> read(lines));
    }

    @Test
    void endOfStreamBeforeAReplyIsEof() {
        EOFException e = assertThrows(EOFException.class, () -> read(""));
        assertEquals("the server closed the connection", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"250-first\r\n", "250 no line end", "250-first\r\n250"})
    void endOfStreamInsideAReplyIsEof(String text) {
        EOFException e = assertThrows(EOFException.class, () -> read(text));
        assertEquals("the server closed the connection in the middle of a reply", e.getMessage());
    }
}
