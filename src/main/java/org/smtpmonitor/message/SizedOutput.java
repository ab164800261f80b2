package org.smtpmonitor.message;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Collects a decoded body whose size the tree already knows into an array of exactly that size,
 * so that the body is copied once (a ByteArrayOutputStream would grow and then copy again).
 */
final class SizedOutput extends OutputStream {

    private byte[] bytes;
    private int count;

    SizedOutput(long expectedSize) {
        // A part of a stored message is never near 2 GB: the server bounds the message size.
        bytes = new byte[(int) Math.min(expectedSize, Integer.MAX_VALUE - 8)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, bytes, count, length);
        count += length;
    }

    private void ensure(int more) {
        if (count + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
        }
    }

    /** The bytes written: the array itself when the size was right, as it always is. */
    byte[] bytes() {
        return count == bytes.length ? bytes : Arrays.copyOf(bytes, count);
    }
}
