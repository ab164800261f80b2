package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Messages delivered over SMTP into an mbox mailbox come back out intact: read by
 * Python's {@code mailbox.mbox}, and byte for byte by a small mboxrd reader.
 */
class MboxRoundTripTest {

    private static final Pattern QUOTED_FROM = Pattern.compile("(?m)^(>*From )");
    private static final Pattern MBOXRD_QUOTED_FROM = Pattern.compile("(?m)^>(>*From )");

    /** A message as sent and what the raw mailbox would hold (dot-stuffing undone). */
    private record Sample(String sender, String subject, byte[] sent, byte[] stored) {
        static Sample of(String sender, String subject, String sent) {
            byte[] bytes = sent.getBytes(StandardCharsets.ISO_8859_1);
            String stored = sent.replaceAll("(?m)^\\.", "");
            return new Sample(sender, subject, bytes, stored.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static final List<Sample> SAMPLES = List.of(
            Sample.of("a@client.test", "plain", "From: a@client.test\r\nSubject: plain\r\n\r\nHello\r\n"),
            Sample.of("b@client.test", "from lines", "Subject: from lines\r\n\r\nFrom the start of a line\r\n"
                    + ">From already quoted\r\n>>From quoted twice\r\nFrom\r\nFromage\r\n..dot\r\n"),
            Sample.of("c@client.test", "8bit", "Subject: 8bit\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n\r\ncaf\u00e9 \u00fc\u00ff\u0080\r\n"
                    + new String("räksmörgås €\r\n".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)),
            Sample.of("", "bounce", "Subject: bounce\r\n\r\nFrom here on, a bounce\r\n"),
            Sample.of("d@client.test", "lf only", "Subject: lf only\n\nbody\n\nFrom a bare-LF line\n\n\r\n"),
            Sample.of("e@client.test", "trailing blanks", "Subject: trailing blanks\r\n\r\nbody\r\n\r\n\r\n"));

    @TempDir
    Path directory;

    private byte[] deliverSamples() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory, TestMonitor.settings(directory, MailboxFormat.MBOX,
                1 << 20, 10, Duration.ofSeconds(30), false));
             RawSmtpClient client = monitor.ehloClient()) {
            for (Sample sample : SAMPLES) {
                String reply = client.sendMessage(sample.sender(), List.of("alice@example.com"), sample.sent());
                assertTrue(reply.startsWith("250 OK: queued as "), reply);
            }
            return monitor.mailboxBytes("alice@example.com");
        }
    }

    @Test
    void pythonMailboxModuleReadsEveryMessageBack() throws Exception {
        Python.assumeInstalled();
        deliverSamples();
        String out = Python.run(directory, String.join("\n",
                "import base64, mailbox, sys",
                "box = mailbox.mbox(sys.argv[1], create=False)",
                "for key in box.keys():",
                "    message = box[key]",
                "    print('FROM\\t' + message.get_from())",
                "    print('SUBJECT\\t' + str(message['Subject']))",
                "    print('BYTES\\t' + base64.b64encode(box.get_bytes(key)).decode('ascii'))",
                ""), directory.resolve("alice@example.com.txt").toString());
        String[] lines = out.split("\n");
        assertEquals(SAMPLES.size() * 3, lines.length, out);
        for (int i = 0; i < SAMPLES.size(); i++) {
            Sample sample = SAMPLES.get(i);
            String from = lines[3 * i].substring("FROM\t".length());
            String sender = sample.sender().isEmpty() ? "MAILER-DAEMON" : sample.sender();
            assertTrue(from.startsWith(sender + " "), "message " + i + " From line: " + from);
            assertEquals("SUBJECT\t" + sample.subject(), lines[3 * i + 1]);
            // Python reads mbox as mboxo: it does not take away the '>' that quoting added,
            // so it sees every line of >*From with one '>' more than was sent.
            String quoted = QUOTED_FROM.matcher(latin1(sample.stored())).replaceAll(">$1");
            byte[] bytes = Base64.getDecoder().decode(lines[3 * i + 2].substring("BYTES\t".length()));
            assertEquals(quoted, latin1(bytes), "message " + i);
        }
    }

    @Test
    void mboxrdReaderGetsEveryMessageBackByteForByte() throws Exception {
        List<byte[]> messages = readMboxrd(deliverSamples());
        assertEquals(SAMPLES.size(), messages.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertArrayEquals(SAMPLES.get(i).stored(), messages.get(i), "message " + i + ": " + latin1(messages.get(i)));
        }
    }

    /**
     * A minimal mboxrd reader: a message starts at each line beginning "From ", ends
     * with the blank line before the next one (or the end of the file), and loses one
     * '>' of each line of >+From.
     */
    private static List<byte[]> readMboxrd(byte[] file) {
        String text = latin1(file);
        List<byte[]> messages = new ArrayList<>();
        String[] parts = text.split("(?m)(?=^From )");
        for (String part : parts) {
            assertTrue(part.startsWith("From "), "text before the first From line: " + part);
            String body = part.substring(part.indexOf('\n') + 1);
            assertTrue(body.endsWith("\n\n") || body.equals("\n"), "no blank line after a message: " + body);
            body = body.substring(0, body.length() - 1);
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes(MBOXRD_QUOTED_FROM.matcher(body).replaceAll("$1").getBytes(StandardCharsets.ISO_8859_1));
            messages.add(message.toByteArray());
        }
        return messages;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
