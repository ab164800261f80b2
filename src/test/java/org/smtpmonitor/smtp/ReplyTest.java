package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A reply's three views: the texts, the lines as sent, the wire bytes. */
class ReplyTest {

    private final Reply reply = Reply.multiline(250, List.of("example.com Hello me", "SIZE 1000", "HELP"));

    @Test
    void textsAreTheLinesWithoutTheirCode() {
        assertEquals(List.of("example.com Hello me", "SIZE 1000", "HELP"), reply.texts());
    }

    @Test
    void linesAreAsSentWithAHyphenOnAllButTheLast() {
        assertEquals(List.of("250-example.com Hello me", "250-SIZE 1000", "250 HELP"), reply.lines());
    }

    @Test
    void wireIsTheLinesEachEndingInCrLf() {
        assertEquals("250-example.com Hello me\r\n250-SIZE 1000\r\n250 HELP\r\n",
                new String(reply.wire(), StandardCharsets.US_ASCII));
    }
}
