package org.smtpmonitor.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The message a benchmark sends, built once and reused: exactly {@code size} bytes (headers
 * and body, as sent before dot-stuffing, ending with CRLF), with the header fields RFC 5322
 * asks for (From, Date, and a Message-ID, {@code <runId-n@smtp-monitor.bench>}) and an
 * {@code X-Bench-Id: <runId>-<n>} header, whose number is patched in place in both for each
 * message: a well-behaved client, which the server's check of the sending client does not warn about.
 *
 * <p>The number has a fixed width (the digits of the last number, zero-padded), so patching
 * never moves a byte and sending a message allocates nothing. No body line starts with
 * {@code .} (nothing to dot-stuff) or with {@code From } (nothing for an mbox to quote),
 * so the mailbox holds the message as built.
 */
public final class BenchMessage {

    /** Header text is ASCII, the body lines this long plus CRLF (RFC 5322 2.1.1 recommends 78). */
    static final int LINE_LENGTH = 76;
    private static final String HEADER = "X-Bench-Id: ";
    private static final String MESSAGE_ID_DOMAIN = "@smtp-monitor.bench>";
    /** RFC 5322 3.3, of fixed width (a two-digit day), so the headers' length does not depend on the date. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss '+0000'",
            Locale.ROOT);
    /** Body lines cycle through these, so no line starts with '.' or "From ". */
    private static final String FILLER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** Direct, so the socket writes it without the JDK copying it into a direct buffer each time. */
    private final ByteBuffer buffer;
    private final int idOffset;
    private final int messageIdOffset;
    private final int idWidth;

    private BenchMessage(ByteBuffer buffer, int idOffset, int messageIdOffset, int idWidth) {
        this.buffer = buffer;
        this.idOffset = idOffset;
        this.messageIdOffset = messageIdOffset;
        this.idWidth = idWidth;
    }

    /**
     * Builds the message, its id set to 1.
     *
     * @param lastId the highest id it will carry (sets the width of the number)
     * @throws IllegalArgumentException when {@code size} is too small for the headers
     *                                  ({@link #minimumSize})
     */
    public static BenchMessage build(int size, String from, List<String> recipients, String runId, long lastId) {
        int width = Long.toString(Math.max(1, lastId)).length();
        String idLine = idLines(runId, width, DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        String headers = "From: <" + from + ">\r\nTo: " + toHeader(recipients) + "\r\n";
        String subject = "Subject: smtp-monitor bench";
        int minimum = minimumSize(headers, subject, idLine);
        if (size < minimum) {
            throw new IllegalArgumentException("--size: " + size + " bytes is too small: the headers alone take "
                    + minimum + " bytes");
        }
        int bodySize = size - minimum;
        if (bodySize == 1) {
            subject += "."; // a body of one byte cannot end with CRLF: the subject takes it
            bodySize = 0;
        }
        byte[] head = (headers + subject + "\r\n" + idLine + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(head, size);
        fillBody(bytes, head.length);
        int idOffset = head.length - 2 - 2 - width; // before the id line's CRLF and the blank line
        int messageIdOffset = idOffset - HEADER.length() - runId.length() - 1 - 2 - MESSAGE_ID_DOMAIN.length() - width;
        BenchMessage message = new BenchMessage(ByteBuffer.allocateDirect(size).put(bytes).clear(), idOffset,
                messageIdOffset, width);
        message.setId(1);
        return message;
    }

    /** The smallest size possible with these headers and a run id of {@code runId}'s length. */
    public static int minimumSize(String from, List<String> recipients, String runId, long lastId) {
        int width = Long.toString(Math.max(1, lastId)).length();
        return minimumSize("From: <" + from + ">\r\nTo: " + toHeader(recipients) + "\r\n",
                "Subject: smtp-monitor bench", idLines(runId, width, DATE.format(ZonedDateTime.now(ZoneOffset.UTC))));
    }

    /** The Date, Message-ID and X-Bench-Id lines, the numbers zero. */
    private static String idLines(String runId, int width, String date) {
        String zeros = "0".repeat(width);
        return "Date: " + date + "\r\nMessage-ID: <" + runId + "-" + zeros + MESSAGE_ID_DOMAIN + "\r\n"
                + HEADER + runId + "-" + zeros + "\r\n";
    }

    private static int minimumSize(String headers, String subject, String idLine) {
        return headers.length() + subject.length() + 2 + idLine.length() + 2;
    }

    private static String toHeader(List<String> recipients) {
        return "<" + String.join(">, <", recipients) + ">";
    }

    /**
     * Lines of {@link #LINE_LENGTH} characters and CRLF from {@code from} to the end; the last
     * line shorter, or one character longer when a line of one byte would be left over.
     */
    private static void fillBody(byte[] bytes, int from) {
        int position = from;
        int line = 0;
        while (position < bytes.length) {
            int left = bytes.length - position;
            int length = left == LINE_LENGTH + 2 + 1 ? LINE_LENGTH + 1 : Math.min(LINE_LENGTH, left - 2);
            for (int i = 0; i < length; i++) {
                bytes[position + i] = (byte) FILLER.charAt((line + i) % FILLER.length());
            }
            position += length;
            bytes[position++] = '\r';
            bytes[position++] = '\n';
            line++;
        }
    }

    /** A copy with its own bytes, for another connection. */
    public BenchMessage copy() {
        ByteBuffer own = ByteBuffer.allocateDirect(buffer.capacity()).put(buffer.duplicate().clear()).clear();
        return new BenchMessage(own, idOffset, messageIdOffset, idWidth);
    }

    /** Writes {@code id} into the Message-ID and X-Bench-Id headers, zero-padded: no allocation. */
    public void setId(long id) {
        long rest = id;
        for (int i = idWidth - 1; i >= 0; i--) {
            byte digit = (byte) ('0' + rest % 10);
            buffer.put(idOffset + i, digit);
            buffer.put(messageIdOffset + i, digit);
            rest /= 10;
        }
        if (rest != 0 || id < 0) {
            throw new IllegalArgumentException("id " + id + " does not fit in " + idWidth + " digits");
        }
    }

    /** A copy of the message as it is now. */
    public byte[] bytes() {
        byte[] bytes = new byte[buffer.capacity()];
        buffer.duplicate().clear().get(bytes);
        return bytes;
    }

    /**
     * The message itself, to write: the caller may move its position and limit, not change
     * its content. {@link #setId} patches it in place.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int size() {
        return buffer.capacity();
    }
}
