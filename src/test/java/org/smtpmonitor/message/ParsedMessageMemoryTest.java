package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The model holds no body: parsing a large message allocates next to nothing beyond its stored
 * bytes, and saving an attachment allocates the attachment once. Measured as the bytes this thread
 * allocates (HotSpot counts them exactly), not as time.
 */
class ParsedMessageMemoryTest {

    private static final int ATTACHMENT_BYTES = 15 << 20;
    private static final long SLACK = 2 << 20;

    @Test
    void parsingALargeMessageCopiesNoBodyAndAnAttachmentIsCopiedOnce() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes");
        byte[] attachment = new byte[ATTACHMENT_BYTES];
        new Random(7).nextBytes(attachment);
        byte[] stored = ("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhello\r\n--b\r\n"
                + "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(attachment) + "\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageParser.parse(stored); // classes loaded and charset tables built once, so only the parse counts below
        long thread = Thread.currentThread().getId();

        long start = threads.getThreadAllocatedBytes(thread);
        ParsedMessage message = MessageParser.parse(stored);
        long parsed = threads.getThreadAllocatedBytes(thread);
        byte[] saved = message.decodedBody(message.attachments().get(0));
        long decoded = threads.getThreadAllocatedBytes(thread);

        assertTrue(parsed - start < SLACK, "parsing " + stored.length + " bytes allocated " + (parsed - start));
        assertTrue(decoded - parsed < ATTACHMENT_BYTES + SLACK,
                "decoding " + ATTACHMENT_BYTES + " bytes allocated " + (decoded - parsed));
        assertArrayEquals(attachment, saved);
    }
}
