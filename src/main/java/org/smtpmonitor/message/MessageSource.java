package org.smtpmonitor.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The exact stored bytes of a parsed message, read-only: the model walks them again to copy a
 * part out, and a source view shows them. They are the array given to {@link MessageParser},
 * not a copy, so that a large message is not held twice.
 */
public final class MessageSource {

    private final byte[] bytes;

    MessageSource(byte[] bytes) {
        this.bytes = bytes;
    }

    public int length() {
        return bytes.length;
    }

    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    byte[] bytes() {
        return bytes;
    }
}
