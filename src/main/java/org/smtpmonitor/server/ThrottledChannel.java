package org.smtpmonitor.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection's socket held to a number of bytes per second each way (a rule's
 * {@code throttle}): reads and writes take no more than the bytes each direction's bucket
 * holds, and answer 0 when it is empty. The connection then stops watching that direction
 * until {@link #readWaitNanos}/{@link #writeWaitNanos} have passed, on its loop's timer, so
 * no thread sleeps. It holds no bytes of its own: what waits stays in the connection's
 * buffers and the kernel's, and TCP holds the client back.
 *
 * <p>Each bucket holds a tenth of a second's bytes at most, so that the rate holds over
 * short transfers too (a full second's burst would send a 1 KB reply at 1 KB/s at once).
 * Used by its connection's loop thread only.
 */
final class ThrottledChannel implements ByteChannel {

    private static final long SECOND = 1_000_000_000L;

    private final SocketChannel channel;
    private final long bytesPerSecond;
    private final Bucket in;
    private final Bucket out;

    ThrottledChannel(SocketChannel channel, long bytesPerSecond) {
        this.channel = channel;
        this.bytesPerSecond = bytesPerSecond;
        long capacity = Math.max(1, bytesPerSecond / 10);
        long now = System.nanoTime();
        this.in = new Bucket(capacity, now);
        this.out = new Bucket(capacity, now);
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** The bytes one direction may move now; refilled at the rate, up to its capacity. */
    private final class Bucket {
        private final long capacity;
        private double tokens;
        private long last;

        Bucket(long capacity, long now) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.last = now;
        }

        long available(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * (double) bytesPerSecond / SECOND);
            last = now;
            return (long) tokens;
        }

        void take(long bytes) {
            tokens -= bytes;
        }

        /**
         * Whether the bucket is worth a read or write: half full (or one byte, for a tiny
         * one), so that the loop does not wake for every few bytes.
         */
        boolean ready(long now) {
            return available(now) >= Math.max(1, capacity / 2);
        }

        /** How long until the bucket is {@link #ready}. */
        long waitNanos(long now) {
            double wanted = Math.max(1, capacity / 2) - available(now);
            return wanted <= 0 ? 0 : Math.max(1_000_000, (long) Math.ceil(wanted * SECOND / bytesPerSecond));
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return move(dst, in, true);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return move(src, out, false);
    }

    private int move(ByteBuffer buffer, Bucket bucket, boolean reading) throws IOException {
        long allowed = bucket.available(System.nanoTime());
        if (allowed <= 0 || !buffer.hasRemaining()) {
            return 0;
        }
        int limit = buffer.limit();
        buffer.limit(buffer.position() + (int) Math.min(buffer.remaining(), allowed));
        int moved;
        try {
            moved = reading ? channel.read(buffer) : channel.write(buffer);
        } finally {
            buffer.limit(limit);
        }
        if (moved > 0) {
            bucket.take(moved);
        }
        return moved;
    }

    /** Whether reading is worth it now. */
    boolean canRead() {
        return in.ready(System.nanoTime());
    }

    /** Whether writing is worth it now. */
    boolean canWrite() {
        return out.ready(System.nanoTime());
    }

    /** How long to wait before reading is worth it again. */
    long readWaitNanos() {
        return in.waitNanos(System.nanoTime());
    }

    /** How long to wait before writing is worth it again. */
    long writeWaitNanos() {
        return out.waitNanos(System.nanoTime());
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closing is the connection's: it closes the socket itself. */
    @Override
    public void close() {
        // Nothing of its own to close.
    }
}
