package org.smtpmonitor.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS with an {@link SSLEngine} over a benchmark connection's channel: blocking while the
 * connection is set up (the handshake, then the commands before the clock starts through
 * {@link #inputStream()} and {@link #outputStream()}, bounded by the socket's read timeout),
 * then non-blocking, driven by {@link BenchLoop} as {@link BenchTransport}. Not thread-safe.
 */
final class TlsTransport implements BenchTransport {

    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
    /** Room for a few records, so that one write to the socket carries several of a large message. */
    private static final int RECORDS_PER_WRITE = 4;

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final int packetSize;
    /** Records read, not yet unwrapped; in write mode. On the heap: a blocking read fills its array. */
    private ByteBuffer netIn;
    /** Records wrapped, not yet written; in read mode. */
    private ByteBuffer netOut;
    /** Application bytes unwrapped, not yet read; in read mode. */
    private ByteBuffer appIn;
    /** The last unwrap lacked bytes that only the socket can bring. */
    private boolean starved = true;
    /** The server ended the session: close_notify, or the end of the stream. */
    private boolean ended;
    private InputStream socketIn;

    TlsTransport(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packetSize);
        this.netOut = ByteBuffer.allocate(RECORDS_PER_WRITE * packetSize).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    /**
     * The handshake, on the channel in blocking mode.
     *
     * @throws TlsException when it failed, naming {@code host:port}
     */
    TlsHandshake handshake(String host, int port) throws IOException {
        long started = System.nanoTime();
        try {
            engine.beginHandshake();
            HandshakeStatus status = engine.getHandshakeStatus();
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                if (status == HandshakeStatus.NEED_TASK) {
                    runTasks();
                    status = engine.getHandshakeStatus();
                } else if (status == HandshakeStatus.NEED_WRAP) {
                    status = wrap(NOTHING, 0, 1).getHandshakeStatus();
                    flush();
                } else {
                    status = unwrapForHandshake();
                }
            }
            // What came with the server's last flight (implicit TLS: the greeting) waits in netIn.
            starved = netIn.position() == 0;
            return TlsClient.handshake(engine.getSession(), System.nanoTime() - started);
        } catch (SSLException | EOFException e) {
            throw TlsClient.failure(e, host, port);
        }
    }

    private HandshakeStatus unwrapForHandshake() throws IOException {
        SSLEngineResult result = unwrap();
        switch (result.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                if (readNet() < 0) {
                    throw new EOFException("the server closed the connection in the middle of the handshake");
                }
                return engine.getHandshakeStatus();
            }
            case CLOSED -> throw new EOFException("the server ended TLS in the middle of the handshake");
            default -> {
                return result.getHandshakeStatus();
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (!appIn.hasRemaining()) {
            if (ended) {
                return -1;
            }
            if (starved) {
                int n = readNet();
                if (n < 0) {
                    ended = true;
                    continue;
                }
                if (n == 0) {
                    return 0;
                }
                starved = false;
            }
            SSLEngineResult result = unwrap();
            switch (result.getStatus()) {
                case CLOSED -> ended = true;
                case BUFFER_UNDERFLOW -> starved = true;
                default -> {
                }
            }
            answerIfAsked(result.getHandshakeStatus());
        }
        int n = Math.min(appIn.remaining(), dst.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        return n;
    }

    /** After the handshake the server may still ask for an answer: a TLS 1.3 KeyUpdate does. */
    private void answerIfAsked(HandshakeStatus status) throws IOException {
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !ended) {
            wrap(NOTHING, 0, 1);
            flush();
        }
    }

    @Override
    public void write(ByteBuffer[] sources, int offset, int length) throws IOException {
        while (true) {
            while (hasRemaining(sources, offset, length) && netOut.capacity() - netOut.remaining() >= packetSize) {
                wrap(sources, offset, length);
            }
            if (!flush() || !hasRemaining(sources, offset, length)) {
                return;
            }
        }
    }

    @Override
    public boolean pendingOutput() {
        return netOut.hasRemaining();
    }

    @Override
    public boolean bufferedInput() {
        return appIn.hasRemaining() || !starved && netIn.position() > 0;
    }

    /** Application bytes in, blocking: for the setup's {@link SmtpConnection}. */
    InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return length == 0 ? 0 : TlsTransport.this.read(ByteBuffer.wrap(bytes, offset, length));
            }
        };
    }

    /** Application bytes out, blocking: for the setup's {@link SmtpConnection}. */
    OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                TlsTransport.this.write(new ByteBuffer[] {ByteBuffer.wrap(bytes, offset, length)}, 0, 1);
            }
        };
    }

    /** Sends close_notify if the socket takes it at once, then closes the channel. */
    @Override
    public void close() throws IOException {
        try {
            engine.closeOutbound();
            wrap(NOTHING, 0, 1);
            flush();
        } catch (IOException e) {
            // The session is over either way.
        } finally {
            channel.close();
        }
    }

    private SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length) throws SSLException {
        netOut.compact();
        SSLEngineResult result;
        try {
            result = engine.wrap(sources, offset, length, netOut);
        } finally {
            netOut.flip();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            // The engine wants more room than its session said a record takes: give it.
            ByteBuffer bigger = ByteBuffer.allocate(netOut.capacity() * 2);
            netOut = bigger.put(netOut).flip();
        } else if (result.getStatus() == SSLEngineResult.Status.CLOSED && hasRemaining(sources, offset, length)) {
            throw new SSLException("the TLS session is closed");
        }
        if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        return result;
    }

    private SSLEngineResult unwrap() throws SSLException {
        netIn.flip();
        appIn.compact();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
            appIn.flip();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(appIn.capacity() * 2,
                    engine.getSession().getApplicationBufferSize()));
            appIn = bigger.put(appIn).flip();
        } else if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !netIn.hasRemaining()) {
            // A record larger than the buffer: make room for all of it.
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(netIn.capacity() * 2,
                    engine.getSession().getPacketBufferSize()));
            netIn = bigger.put(netIn.flip());
        }
        return result;
    }

    /** Reads records: blocking (through the socket's stream, which keeps its read timeout) or not. */
    private int readNet() throws IOException {
        if (channel.isBlocking()) {
            if (socketIn == null) {
                socketIn = channel.socket().getInputStream();
            }
            int n = socketIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n > 0) {
                netIn.position(netIn.position() + n);
            }
            return n;
        }
        return channel.read(netIn);
    }

    /** Writes what is wrapped; false when the socket takes no more now (never while blocking). */
    private boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] buffers, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffers[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
