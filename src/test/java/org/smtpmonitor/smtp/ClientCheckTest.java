package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure checks of a sending client: HELO names, the header scan, SIZE, and each kind told once. */
class ClientCheckTest {

    private static final MessageStore ANYONE = new MessageStore() {
        @Override
        public String findUser(String address) {
            return address;
        }

        @Override
        public Pending append(Envelope envelope, byte[] data, int length) {
            return List::of;
        }
    };

    private final SmtpSession session = new SmtpSession(SmtpConfig.defaults("example.com"), ANYONE, "Q");

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "client.test", "mail.example.com", "MX-1.Example.ORG", "a", "x1", "1x",
            "123.example", "xn--caf-dma.example", "[192.0.2.1]", "[0.0.0.0]", "[255.255.255.255]",
            "[IPv6:2001:db8::1]", "[ipv6:2001:DB8:0:0:0:0:0:1]", "[IPv6:::1]", "[IPv6:::]", "[IPv6:fe80::]",
            "[IPv6:::ffff:192.0.2.1]", "[IPv6:1:2:3:4:5:6:192.0.2.1]", "[IPv6:1:2:3:4:5:6::]"})
    void domainsAndAddressLiteralsAreGoodHeloNames(String name) {
        assertTrue(HeloName.isValid(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"my_host", "192.0.2.1", "1234", "::1", "2001:db8::1", "-host", "host-", "host..example",
            ".example", "example.", "ex ample", "host!", "[192.0.2.256]", "[192.0.2]", "[192.0.2.1.5]", "[1.2.3.04a]",
            "[example.com]", "[]", "[IPv6:1:2:3:4:5:6:7::]", "[IPv6:1::2::3]", "[IPv6:12345::]", "[IPv6:1:2:3:4:5:6:7]",
            "[IPv6:::1.2.3]", "[IPv6:1:2:3:4:5::1.2.3.4]", "[IPv6:g::1]", "[tag:content]", "192.0.2.1]"})
    void otherNamesAreNot(String name) {
        assertFalse(HeloName.isValid(name), name);
    }

    @Test
    void labelsAndNamesHaveTheirLengthLimits() {
        assertTrue(HeloName.isDomain("a".repeat(63) + ".example"));
        assertFalse(HeloName.isDomain("a".repeat(64) + ".example"));
        String name = ("a".repeat(60) + ".").repeat(4) + "example"; // 251 characters
        assertTrue(HeloName.isDomain(name));
        assertFalse(HeloName.isDomain("abcde" + name));
    }

    private static List<String> missing(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return HeaderScan.missing(bytes, bytes.length);
    }

    @Test
    void aMessageWithDateFromAndMessageIdLacksNothing() {
        assertEquals(List.of(), missing("Date: Mon, 30 Nov 2026 13:00:00 +0000\r\nFrom: a@client.test\r\n"
                + "Message-ID: <1@client.test>\r\nSubject: hi\r\n\r\nbody\r\n"));
        // Names in any case, spaces before the colon (RFC 5322 4.5), bare LFs, no body at all.
        assertEquals(List.of(), missing("DATE : x\nfrom:\tb\nmessage-id:<2@x>\n"));
    }

    @Test
    void missingFieldsAreNamedInOrder() {
        assertEquals(List.of("Date", "Message-ID"), missing("From: a@client.test\r\nSubject: hi\r\n\r\nbody\r\n"));
        assertEquals(List.of("From"), missing("Date: x\r\nMessage-ID: <1@x>\r\n\r\nFrom: in the body\r\n"));
    }

    @Test
    void aNameInAFoldedContinuationLineIsNotAField() {
        assertEquals(List.of("Date"), missing("Subject: a long\r\n subject\r\nX-Note: see\r\n\tDate: not a field\r\n"
                + "From: a@x\r\nMessage-ID: <1@x>\r\n\r\n"));
        // A folded field itself counts, whatever follows it.
        assertEquals(List.of(), missing("Date:\r\n Mon, 30 Nov 2026 13:00:00 +0000\r\nFrom:\r\n\ta@x\r\n"
                + "Message-ID:\r\n <1@x>\r\n\r\n"));
    }

    @Test
    void aMessageWithoutAHeaderSectionLacksAllThree() {
        List<String> all = List.of("Date", "From", "Message-ID");
        assertEquals(all, missing(""));
        assertEquals(all, missing("\r\nFrom: only in the body\r\n"));
        assertEquals(all, missing("just some text\r\nDate: after a line that is no field\r\n"));
        assertEquals(all, missing("Subject: hi\r\n\r\n"));
    }

    @Test
    void aHeaderSectionPastTheLimitIsNotJudged() {
        String longHeader = "X-Filler: " + "x".repeat(100) + "\r\n";
        String header = longHeader.repeat(HeaderScan.LIMIT / longHeader.length() + 1);
        assertEquals(List.of(), missing(header + "\r\nbody\r\n"));
        // Within the limit the same fields are judged.
        assertEquals(List.of("Date", "From", "Message-ID"), missing(longHeader.repeat(10) + "\r\nbody\r\n"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private List<ClientCheck.Warning> message(String mailParameters, String message, DataFindings found) {
        assertEquals(250, session.command("MAIL FROM:<a@client.test>" + mailParameters).reply().code());
        assertEquals(250, session.command("RCPT TO:<alice@example.com>").reply().code());
        assertEquals(354, session.command("DATA").reply().code());
        byte[] data = bytes(message);
        List<ClientCheck.Warning> warnings = session.checkMessage(found, data.length, data, data.length);
        session.messageReceived(data, data.length);
        return warnings;
    }

    private static List<String> kinds(List<ClientCheck.Warning> warnings) {
        return warnings.stream().map(w -> w.kind().id()).toList();
    }

    private static final String GOOD = "Date: Mon, 30 Nov 2026 13:00:00 +0000\r\nFrom: a@client.test\r\n"
            + "Message-ID: <1@client.test>\r\n\r\nbody\r\n";

    @Test
    void aMessageLargerThanItsDeclaredSizeIsToldWithBothNumbers() {
        session.command("EHLO client.test");
        int size = bytes(GOOD).length;
        assertEquals(List.of(), message(" SIZE=" + size, GOOD, DataFindings.NONE));
        assertEquals(List.of(), message("", GOOD, DataFindings.NONE));
        // The CRLF a client adds before the dot to a message that did not end in one (Python's
        // smtplib declares the size without it) is not taken for a wrong declaration.
        assertEquals(List.of(), message(" SIZE=" + (size - 2), GOOD, DataFindings.NONE));
        List<ClientCheck.Warning> warnings = message(" SIZE=" + (size - 3), GOOD, DataFindings.NONE);
        assertEquals(List.of("size-exceeded"), kinds(warnings));
        String text = warnings.get(0).text();
        assertTrue(text.contains(size + " bytes") && text.contains("SIZE=" + (size - 3)) && text.contains("RFC 1870"), text);
        // Told once a session.
        assertEquals(List.of(), message(" SIZE=1", GOOD, DataFindings.NONE));
    }

    @Test
    void eightBitDataIsAFaultOnlyWithoutBody8bitmimeOrSmtputf8() {
        session.command("EHLO client.test");
        DataFindings eightBit = new DataFindings(false, false, true, false);
        assertEquals(List.of(), message(" BODY=8BITMIME", GOOD, eightBit));
        assertEquals(List.of(), message(" SMTPUTF8", GOOD, eightBit));
        assertEquals(List.of("8bit-without-8bitmime"), kinds(message(" BODY=7BIT", GOOD, eightBit)));
    }

    @Test
    void eachKindIsToldOncePerSessionAndInTheMessagesOrder() {
        session.command("EHLO client.test");
        DataFindings all = new DataFindings(true, true, true, true);
        List<ClientCheck.Warning> first = message(" SIZE=1", "Subject: no date\r\n\r\n", all);
        assertEquals(List.of("bare-cr", "bare-lf", "8bit-without-8bitmime", "line-too-long", "size-exceeded",
                "missing-header"), kinds(first));
        for (ClientCheck.Warning warning : first) {
            assertTrue(warning.text().contains("RFC "), "names no RFC section: " + warning.text());
        }
        assertEquals("the message has no Date, no From, no Message-ID header field (RFC 5322 3.6: Date and From are"
                + " required, and 3.6.4: Message-ID should be there)", first.get(5).text());
        assertEquals(List.of(), message(" SIZE=1", "", all));
    }

    @Test
    void aBadHeloNameIsToldWithTheReplyOnceAndTheSessionGoesOn() {
        Step step = session.command("EHLO my_host");
        assertEquals(250, step.reply().code());
        assertEquals(1, step.warnings().size());
        ClientCheck.Warning warning = step.warnings().get(0);
        assertEquals("bad-helo-name", warning.kind().id());
        assertTrue(warning.text().startsWith("EHLO name \"my_host\" is neither a domain nor an address literal (RFC 5321"),
                warning.text());
        assertEquals(List.of(), session.command("HELO 192.0.2.1").warnings());
        assertEquals(250, session.command("MAIL FROM:<a@client.test>").reply().code());
    }

    @Test
    void goodHeloNamesAreNotTold() {
        assertEquals(List.of(), session.command("EHLO localhost").warnings());
        assertEquals(List.of(), session.command("HELO [192.0.2.1]").warnings());
        assertEquals(List.of(), session.command("EHLO [IPv6:::1]").warnings());
    }

    @Test
    void pipeliningIsAFaultBeforeAnyEhloAndAfterHeloButNotAfterEhlo() {
        assertEquals("pipelining-not-offered", session.commandPipelined().kind().id());
        SmtpSession afterEhlo = new SmtpSession(SmtpConfig.defaults("example.com"), ANYONE, "Q");
        afterEhlo.command("EHLO client.test");
        assertNull(afterEhlo.commandPipelined());
        afterEhlo.command("HELO client.test");
        ClientCheck.Warning warning = afterEhlo.commandPipelined();
        assertEquals("pipelining-not-offered", warning.kind().id());
        assertTrue(warning.text().contains("RFC 2920 3") && warning.text().contains("RFC 5321 4.3.1"), warning.text());
        // Once a session.
        assertNull(afterEhlo.commandPipelined());
    }
}
