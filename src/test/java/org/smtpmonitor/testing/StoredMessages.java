package org.smtpmonitor.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.IndexedMessage;

/**
 * Messages delivered to a {@link TestMonitor} over a real socket and read back from its
 * store, for the tests of what is done with stored mail (release, the API). Its
 * {@link #TRICKY} message holds what a relay can spoil: lines that start with {@code .}, a line
 * of a lone dot, {@code From } and {@code >From } lines, UTF-8 in the header and the body, and
 * a line of 998 bytes, the most RFC 5322 allows.
 */
public final class StoredMessages {

    public static final byte[] TRICKY = ("From: Sender <sender@client.test>\r\n"
            + "To: alice@example.com\r\n"
            + "Subject: Grüße aus Köln\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + ".a line that starts with a dot\r\n"
            + "..and one with two\r\n"
            + ".\r\n"
            + "From the start of a line\r\n"
            + ">From a quoted one\r\n"
            + "Grüße, ça va? 日本語\r\n"
            + "x".repeat(998) + "\r\n"
            + "the end\r\n").getBytes(StandardCharsets.UTF_8);

    private StoredMessages() {
    }

    /**
     * Sends {@code data} (ending in CRLF, not dot-stuffed) from {@code sender} ("" for the
     * null sender) to {@code recipients} as 8BITMIME, waits until it is indexed, and returns
     * the id of the copy in the first recipient's mailbox.
     */
    public static long deliver(TestMonitor monitor, String sender, List<String> recipients, byte[] data)
            throws IOException, InterruptedException {
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertTrue(client.command("MAIL FROM:<" + sender + "> BODY=8BITMIME").startsWith("250"));
            for (String recipient : recipients) {
                assertTrue(client.command("RCPT TO:<" + recipient + ">").startsWith("250"));
            }
            assertTrue(client.command("DATA").startsWith("354"));
            client.send(dotStuffed(data));
            client.send(".\r\n");
            String reply = client.readReply();
            assertTrue(reply.startsWith("250"), reply);
            client.command("QUIT");
        }
        monitor.monitor().store().awaitIndexed();
        try (MailboxDirectory mail = monitor.monitor().mail()) {
            List<IndexedMessage> newest = mail.messages(recipients.get(0), 0, 1);
            return newest.get(0).id();
        }
    }

    /** The newest message of {@code address} at {@code monitor}, once the index has it; null if none. */
    public static IndexedMessage newest(TestMonitor monitor, String address) throws IOException, InterruptedException {
        monitor.monitor().store().awaitIndexed();
        try (MailboxDirectory mail = monitor.monitor().mail()) {
            List<IndexedMessage> newest = mail.messages(address, 0, 1);
            return newest.isEmpty() ? null : newest.get(0);
        }
    }

    /** How many messages the index has of {@code address} at {@code monitor}. */
    public static long count(TestMonitor monitor, String address) throws IOException, InterruptedException {
        monitor.monitor().store().awaitIndexed();
        try (MailboxDirectory mail = monitor.monitor().mail()) {
            return mail.mailbox(address).map(MailboxDirectory.MailboxInfo::messages).orElse(0L);
        }
    }

    /** Message {@code id}'s exact stored bytes, as {@code mailbox export ID} writes them. */
    public static byte[] exported(TestMonitor monitor, long id) throws IOException {
        try (MailboxDirectory mail = monitor.monitor().mail()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mail.export(id, out);
            return out.toByteArray();
        }
    }

    /** RFC 5321 4.5.2: a dot before every line that starts with one. */
    public static byte[] dotStuffed(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        String stuffed = (text.startsWith(".") ? "." : "") + text.replace("\r\n.", "\r\n..");
        return stuffed.getBytes(StandardCharsets.ISO_8859_1);
    }
}
