package org.smtpmonitor.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one benchmark connection, non-blocking: the channel itself, or TLS over it
 * ({@link TlsTransport}). TLS adds two states the channel alone does not have: records
 * that wait for the socket to take them, and bytes already decrypted that the socket will
 * not announce again.
 */
interface BenchTransport {

    SocketChannel channel();

    /** Reads what is there into {@code dst}: the count, 0 if nothing yet, -1 at the end. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes what the socket takes now; what is left stays in the buffers (and {@link #pendingOutput}). */
    void write(ByteBuffer[] sources, int offset, int length) throws IOException;

    /** True while bytes already taken from the buffers still wait for the socket. */
    boolean pendingOutput();

    /** True when {@link #read} has more without the socket being readable again. */
    boolean bufferedInput();

    void close() throws IOException;

    static BenchTransport plain(SocketChannel channel) {
        return new Plain(channel);
    }

    /** The channel as it is: the plain path, as fast as it was before TLS came. */
    record Plain(SocketChannel channel) implements BenchTransport {

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public void write(ByteBuffer[] sources, int offset, int length) throws IOException {
            channel.write(sources, offset, length);
        }

        @Override
        public boolean pendingOutput() {
            return false;
        }

        @Override
        public boolean bufferedInput() {
            return false;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
