package org.smtpmonitor.mailbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A user from the users file: the address mail to it is accepted for, and the name of
 * its mailbox file ({@code <address>.txt}).
 *
 * @param line the line of the users file it came from
 */
public record User(String address, int line) {

    /**
     * The longest mailbox file name we make. File systems allow 255 bytes; the files kept
     * beside a mailbox ({@code .torn}, {@code .tail}) add up to five more.
     */
    static final int MAX_FILE_NAME = 240;
    /** How much of a long address its file name keeps, before the hash that makes it unique. */
    private static final int KEPT_PREFIX = 200;

    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /**
     * {@code <address>.txt}; an address too long for a file name (up to 64 + 1 + 253
     * characters are allowed) keeps its first 200 characters, then {@code ~} and 16 hex
     * digits of the SHA-256 of the address in lower case, so two long addresses that
     * share a start still get files of their own.
     */
    public String mailboxFileName() {
        String name = address + ".txt";
        // Addresses are ASCII (the users file refuses anything else): characters are bytes.
        if (name.length() <= MAX_FILE_NAME) {
            return name;
        }
        return address.substring(0, KEPT_PREFIX) + "~" + hash(address.toLowerCase(Locale.ROOT)) + ".txt";
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
