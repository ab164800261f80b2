package org.smtpmonitor.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.smtpmonitor.text.Ascii;

/**
 * A plain-text message in RFC 5322 form: Date, From, To, Subject and Message-ID headers,
 * then the body with every line ending made CRLF. A body that is not ASCII is declared
 * as UTF-8 sent 8bit (RFC 2045, RFC 6152); a subject that is not ASCII is sent as
 * RFC 2047 encoded-words.
 */
public record OutgoingMessage(String from, List<String> to, String subject, String body,
                              ZonedDateTime date, String messageId) {

    /** RFC 5322 3.3, in English whatever the locale: {@code Tue, 24 Nov 2026 07:22:02 +0000}. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);
    /** RFC 5322 2.1.1: lines SHOULD stay within 78 characters and MUST within 998. */
    static final int FOLD_AT = 78;
    static final int MAX_LINE = 998;
    /** UTF-8 bytes per encoded-word: 56 base64 characters, so "Subject: " and one word fit in 78. */
    private static final int WORD_BYTES = 42;

    /**
     * @throws IllegalArgumentException when an address is not one {@link #checkAddress}
     *                                  accepts, there is no recipient, or the subject
     *                                  holds a line break or other control character
     */
    public OutgoingMessage {
        to = List.copyOf(to);
        if (to.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        for (String address : to) {
            requireAddress(address);
        }
        requireAddress(from);
        for (int i = 0; i < subject.length(); i++) {
            if (Character.isISOControl(subject.charAt(i)) && subject.charAt(i) != '\t') {
                throw new IllegalArgumentException("the subject cannot contain a line break or control character");
            }
        }
    }

    private static void requireAddress(String address) {
        String problem = checkAddress(address);
        if (problem != null) {
            throw new IllegalArgumentException("'" + address + "' is not an address: " + problem);
        }
    }

    /**
     * Why {@code address} cannot be sent as a plain {@code local@domain} mailbox, or
     * {@code null} when it can. Names with display parts ({@code Bob <bob@x>}) and
     * addresses outside ASCII (which need SMTPUTF8) are refused.
     */
    public static String checkAddress(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return "it needs the form local@domain";
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == 0x7f) {
                return "it cannot contain spaces, control characters or any of < > ( ) ,";
            }
            if (c >= 0x80) {
                return "only ASCII addresses can be sent (no SMTPUTF8)";
            }
        }
        return null;
    }

    /** A Message-ID that is unique enough for one machine: time, randomness, the sender's domain. */
    public static String newMessageId(String from) {
        String domain = from.substring(from.lastIndexOf('@') + 1);
        long random = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        return "<" + Long.toString(System.currentTimeMillis(), 36) + "." + Long.toString(random, 36) + "@" + domain + ">";
    }

    /** True when the body has a byte outside ASCII, which needs 8BITMIME. */
    public boolean isEightBit() {
        return !Ascii.isAscii(body);
    }

    /**
     * The message as sent after DATA (before dot-stuffing).
     *
     * @throws IllegalArgumentException when a body line is longer than 998 bytes, which
     *                                  RFC 5322 forbids
     */
    public byte[] toBytes() {
        StringBuilder headers = new StringBuilder(256);
        header(headers, "Date: " + DATE.format(date));
        header(headers, "From: " + from);
        header(headers, "To: " + String.join(", ", to));
        // An empty subject is "Subject:" with no trailing space.
        header(headers, subject.isEmpty() ? "Subject:" : "Subject: " + encodeSubject(subject));
        header(headers, "Message-ID: " + messageId);
        if (isEightBit()) {
            header(headers, "MIME-Version: 1.0");
            header(headers, "Content-Type: text/plain; charset=UTF-8");
            header(headers, "Content-Transfer-Encoding: 8bit");
        }
        headers.append("\r\n");
        ByteArrayOutputStream message = new ByteArrayOutputStream(headers.length() + body.length() + 64);
        message.writeBytes(headers.toString().getBytes(StandardCharsets.US_ASCII));
        message.writeBytes(normaliseLineEndings(body).getBytes(StandardCharsets.UTF_8));
        return message.toByteArray();
    }

    /** CR, LF and CRLF all become CRLF, and the last line gets one; every line is checked for length. */
    static String normaliseLineEndings(String text) {
        StringBuilder normal = new StringBuilder(text.length() + 16);
        int lineStart = 0;
        int lineNumber = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                checkLength(text, lineStart, i, lineNumber++);
                normal.append("\r\n");
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                lineStart = i + 1;
            } else {
                normal.append(c);
            }
        }
        if (lineStart < text.length()) {
            checkLength(text, lineStart, text.length(), lineNumber);
            normal.append("\r\n");
        }
        return normal.toString();
    }

    private static void checkLength(String text, int start, int end, int lineNumber) {
        // Cheap test first: a line of at most 332 chars cannot pass 998 UTF-8 bytes.
        if (end - start > MAX_LINE / 3
                && text.substring(start, end).getBytes(StandardCharsets.UTF_8).length > MAX_LINE) {
            throw new IllegalArgumentException("line " + lineNumber + " of the body is longer than " + MAX_LINE
                    + " bytes, more than a mail message may have (RFC 5322 2.1.1)");
        }
    }

    /**
     * The subject as it may stand in a header: unchanged when it is ASCII, else
     * encoded-words of whole characters, {@code =?UTF-8?B?...?=}, separated by spaces
     * (which RFC 2047 6.2 says a reader drops between encoded-words).
     */
    static String encodeSubject(String subject) {
        if (Ascii.isAscii(subject) && !subject.contains("=?")) {
            return subject;
        }
        StringBuilder encoded = new StringBuilder(subject.length() * 2);
        byte[] chunk = new byte[WORD_BYTES];
        int length = 0;
        int i = 0;
        while (i < subject.length()) {
            int codePoint = subject.codePointAt(i);
            byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
            if (length + bytes.length > WORD_BYTES) {
                appendWord(encoded, chunk, length);
                length = 0;
            }
            System.arraycopy(bytes, 0, chunk, length, bytes.length);
            length += bytes.length;
            i += Character.charCount(codePoint);
        }
        appendWord(encoded, chunk, length);
        return encoded.toString();
    }

    private static void appendWord(StringBuilder encoded, byte[] chunk, int length) {
        if (encoded.length() > 0) {
            encoded.append(' ');
        }
        byte[] word = Arrays.copyOf(chunk, length);
        encoded.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(word)).append("?=");
    }

    /** Appends a header line, folded before a space when it would pass 78 characters (RFC 5322 2.2.3). */
    static void header(StringBuilder headers, String line) {
        int lineStart = headers.length();
        int lastSpace = -1;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ' && i > 0) {
                lastSpace = headers.length();
            }
            headers.append(c);
            if (headers.length() - lineStart > FOLD_AT && lastSpace > lineStart) {
                headers.insert(lastSpace, "\r\n");
                lineStart = lastSpace + 2;
                lastSpace = -1;
            }
        }
        headers.append("\r\n");
    }

}
