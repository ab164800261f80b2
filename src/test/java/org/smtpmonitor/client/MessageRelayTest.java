package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** What {@link MessageRelay} makes of stored bytes before they go on the wire. */
class MessageRelayTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void crlfLinesAreSentAsTheyAre() {
        byte[] data = bytes("Subject: x\r\n\r\nbody\r\n.dot\r\n");
        assertSame(data, MessageRelay.crlfLines(data));
    }

    @Test
    void bareLineFeedsAndCarriageReturnsBecomeCrlfSoThatNoneCanEndTheDataEarly() {
        assertArrayEquals(bytes("a\r\n.\r\nb\r\nc\r\n\r\n"), MessageRelay.crlfLines(bytes("a\n.\nb\rc\r\n\n")));
        assertArrayEquals(bytes("\r\nend\r\n"), MessageRelay.crlfLines(bytes("\nend\r")));
    }

    @Test
    void theHeaderEndsAfterTheFirstEmptyLine() {
        assertEquals(12, MessageRelay.headerLength(bytes("Subject: x\r\n\r\nbody\r\n")));
        assertEquals(11, MessageRelay.headerLength(bytes("Subject: x\n\nbody\n")));
        assertEquals(12, MessageRelay.headerLength(bytes("Subject: x\r\n")));
    }
}
