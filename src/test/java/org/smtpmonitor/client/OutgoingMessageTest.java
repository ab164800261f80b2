package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The message `send` builds, read back by a real mail parser (Jakarta Mail, test scope only). */
class OutgoingMessageTest {

    private static final ZonedDateTime DATE = ZonedDateTime.of(2026, 11, 3, 7, 5, 9, 0, ZoneOffset.ofHours(1));

    private static OutgoingMessage message(String subject, String body) {
        return new OutgoingMessage("me@example.org", List.of("alice@example.com", "bob@example.com"), subject, body,
                DATE, "<1.2@example.org>");
    }

    private static MimeMessage parse(OutgoingMessage message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message.toBytes()));
    }

    private static String text(OutgoingMessage message) {
        return new String(message.toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void anAsciiMessageHasTheFiveHeadersAndNoMimeHeaders() {
        assertEquals("Date: Tue, 3 Nov 2026 07:05:09 +0100\r\n"
                + "From: me@example.org\r\n"
                + "To: alice@example.com, bob@example.com\r\n"
                + "Subject: hello\r\n"
                + "Message-ID: <1.2@example.org>\r\n"
                + "\r\n"
                + "Hi!\r\n", text(message("hello", "Hi!")));
    }

    @Test
    void anEmptySubjectIsAnEmptyHeader() throws Exception {
        assertTrue(text(message("", "x")).contains("\r\nSubject:\r\n"));
        assertEquals("", parse(message("", "x")).getSubject());
    }

    @Test
    void aMailParserReadsTheHeaders() throws Exception {
        MimeMessage parsed = parse(message("hello", "Hi!"));
        assertEquals(DATE.toInstant(), parsed.getSentDate().toInstant());
        assertEquals("me@example.org", ((InternetAddress) parsed.getFrom()[0]).getAddress());
        assertEquals(2, parsed.getRecipients(MimeMessage.RecipientType.TO).length);
        assertEquals("<1.2@example.org>", parsed.getMessageID());
        assertEquals("hello", parsed.getSubject());
    }

    @Test
    void aNonAsciiBodyIsDeclaredUtf8Sent8bit() throws Exception {
        OutgoingMessage message = message("hello", "Grüße, ☃\n");
        assertTrue(message.isEightBit());
        MimeMessage parsed = parse(message);
        assertEquals("1.0", parsed.getHeader("MIME-Version", null));
        assertEquals("8bit", parsed.getEncoding());
        assertTrue(parsed.isMimeType("text/plain"));
        assertEquals("Grüße, ☃\r\n", parsed.getContent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Grüße", "☃ snowman and 😀 emoji",
                            "a long subject with umlauts ä ö ü that goes on and on and on, far past one encoded word",
                            "=?UTF-8?B?not really encoded?="})
    void aNonAsciiSubjectIsEncodedWordsThatDecodeToIt(String subject) throws Exception {
        String text = text(message(subject, "x"));
        String headers = text.substring(0, text.indexOf("\r\n\r\n"));
        for (String line : headers.split("\r\n")) {
            assertTrue(line.length() <= OutgoingMessage.FOLD_AT, line);
            assertTrue(org.smtpmonitor.text.Ascii.isAscii(line), line);
        }
        assertEquals(subject, parse(message(subject, "x")).getSubject());
        assertEquals(subject, MimeUtility.decodeText(OutgoingMessage.encodeSubject(subject)));
    }

    @Test
    void aLongAsciiSubjectIsFoldedAtSpaces() throws Exception {
        String subject = "word ".repeat(40).strip();
        String text = text(message(subject, "x"));
        assertTrue(text.contains("\r\n word"), text);
        assertEquals(subject, parse(message(subject, "x")).getSubject());
    }

    @Test
    void everyKindOfLineEndingBecomesCrlfAndTheLastLineGetsOne() {
        assertEquals("a\r\nb\r\nc\r\n\r\nd\r\n", OutgoingMessage.normaliseLineEndings("a\nb\rc\r\n\nd"));
        assertEquals("", OutgoingMessage.normaliseLineEndings(""));
        assertFalse(message("s", "a\nb").isEightBit());
    }

    @Test
    void aBodyLineOver998BytesIsRefusedNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> message("s", "ok\n" + "ü".repeat(500)).toBytes());
        assertEquals("line 2 of the body is longer than 998 bytes, more than a mail message may have (RFC 5322 2.1.1)",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob", "bob@", "@example.com", "Bob <bob@example.com>", "bob@exa mple.com", "jörg@example.com",
                            "bob@example.com\r\nRCPT TO:<x@y>"})
    void anAddressThatIsNotLocalAtDomainIsRefused(String address) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OutgoingMessage(
                "me@example.org", List.of(address), "s", "b", DATE, "<1@x>"));
        assertTrue(e.getMessage().startsWith("'" + address + "' is not an address: "), e.getMessage());
    }

    @Test
    void aSubjectWithALineBreakIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> message("hi\r\nBcc: eve@example.com", "b"));
    }

    @Test
    void messageIdsDifferAndNameTheSendersDomain() {
        String first = OutgoingMessage.newMessageId("me@example.org");
        String second = OutgoingMessage.newMessageId("me@example.org");
        assertTrue(first.matches("<[0-9a-z]+\\.[0-9a-z]+@example\\.org>"), first);
        assertFalse(first.equals(second));
    }
}
