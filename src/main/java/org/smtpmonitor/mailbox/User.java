package org.smtpmonitor.mailbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A user from the users file: the address mail to it is accepted for, the name of its
 * mailbox file ({@code <address>.txt}), and the password SMTP AUTH checks, if its line
 * gives one.
 *
 * @param line     the line of the users file it came from
 * @param password the clear password (CRAM-MD5 needs it so), or null for none; never shown
 */
public record User(String address, int line, String password) {

    /**
     * The longest mailbox file name we make, in bytes. File systems allow 255; the files kept
     * beside a mailbox ({@code .torn}, {@code .tail}) add up to five more.
     */
    static final int MAX_FILE_NAME = 240;
    /** How many bytes of a long address its file name keeps, before the hash that makes it unique. */
    private static final int KEPT_PREFIX = 200;

    /** A user without a password. */
    public User(String address, int line) {
        this(address, line, null);
    }

    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /**
     * {@code <address>.txt}, the address in Unicode's composed form (NFC), written in UTF-8:
     * {@code jörg@example.com.txt} is the same file whether the users file spelt the {@code ö}
     * as one code point or as {@code o} and a combining mark. (The users file lets through
     * only letters, digits, combining marks, dots and RFC 5322's symbols but {@code /}, so no
     * name is a path, hidden, or holds a control or bidi character.) A name over
     * {@link #MAX_FILE_NAME} bytes (64 + 1 + 253 characters are allowed, and a UTF-8
     * character takes up to four bytes) keeps its first 200 bytes' worth of whole characters,
     * then {@code ~} and 16 hex digits of the SHA-256 of the address in lower case, so two
     * long addresses that share a start still get files of their own.
     */
    public String mailboxFileName() {
        String composed = Normalizer.normalize(address, Normalizer.Form.NFC);
        String name = composed + ".txt";
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_FILE_NAME) {
            return name;
        }
        return prefix(composed, KEPT_PREFIX) + "~" + hash(composed.toLowerCase(Locale.ROOT)) + ".txt";
    }

    /** The longest start of {@code text} of whole code points that takes at most {@code bytes} in UTF-8. */
    private static String prefix(String text, int bytes) {
        int used = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (used + size > bytes) {
                break;
            }
            used += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Without the password, which must not reach a log by way of a record's usual text. */
    @Override
    public String toString() {
        return "User[address=" + address + ", line=" + line + (password == null ? "" : ", password=****") + "]";
    }
}
