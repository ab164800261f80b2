package org.smtpmonitor.message;

import java.util.Arrays;

/**
 * The size a base64 body decodes to, counted from its encoded bytes without decoding them:
 * the parts tree needs every part's size, and decoding a 25 MB message's attachments only to
 * count their bytes cost most of the time its tree took. The count is exact, because it follows
 * the decoder that gives the bytes when they are wanted (mime4j's {@code Base64InputStream}):
 * every four letters of the base64 alphabet are three bytes; other bytes are skipped (CR, LF
 * and space silently, anything else with a note); the first {@code =} ends the body, after
 * two letters of a group (one byte more) or three (two more); a group cut short at the end,
 * or by an early {@code =}, is dropped, with a note. Its notes are mime4j's words, so they
 * read as the decoder's would.
 */
final class Base64Size {

    private static final byte LETTER = 0;
    /** CR, LF and space: skipped without a note. */
    private static final byte BLANK = 1;
    private static final byte PAD = 2;
    private static final byte OTHER = 3;
    private static final byte[] KIND = new byte[256];

    static {
        Arrays.fill(KIND, OTHER);
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < letters.length(); i++) {
            KIND[letters.charAt(i)] = LETTER;
        }
        KIND['\r'] = BLANK;
        KIND['\n'] = BLANK;
        KIND[' '] = BLANK;
        KIND['='] = PAD;
    }

    private final Problems problems;
    /** Letters of the alphabet counted: each group of four is three bytes. */
    private long letters;
    /** Bytes a final group ended by {@code =} adds. */
    private int padBytes;
    /** An {@code =} was read: nothing after it belongs to the body. */
    private boolean padded;

    Base64Size(Problems problems) {
        this.problems = problems;
    }

    /** Counts {@code length} encoded bytes from {@code offset}. */
    void count(byte[] bytes, int offset, int length) {
        if (padded) {
            return;
        }
        long counted = letters;
        int end = offset + length;
        // Letters, and a line end every 76 of them: the loop stays in its first branch.
        for (int i = offset; i < end; i++) {
            byte kind = KIND[bytes[i] & 0xff];
            if (kind == LETTER) {
                counted++;
            } else if (kind == PAD) {
                padded = true;
                pad((int) (counted % 4));
                counted -= counted % 4;
                break;
            } else if (kind == OTHER) {
                problems.warn("Unexpected base64 byte: " + bytes[i], "ignoring.");
            }
        }
        letters = counted;
    }

    /** The decoded size of all that was counted, once the body has ended. */
    long finish() {
        int rest = (int) (letters % 4);
        if (!padded && rest != 0) {
            problems.warn("Unexpected end of BASE64 stream", "dropping " + rest + " sextet(s)");
        }
        return letters / 4 * 3 + padBytes;
    }

    private void pad(int group) {
        if (group == 2) {
            padBytes = 1;
        } else if (group == 3) {
            padBytes = 2;
        } else {
            problems.warn("Unexpected padding character", "dropping " + group + " sextet(s)");
        }
    }
}
