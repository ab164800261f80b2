package org.smtpmonitor.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;

import org.smtpmonitor.smtp.TlsInfo;

/**
 * TLS on one connection: the JDK's {@link SSLEngine} between the socket and the
 * connection's plaintext, driven by its event loop without ever blocking.
 *
 * <p>Memory: two buffers of one TLS record each (16,709 bytes), for what was read and not
 * yet decrypted and what was encrypted and not yet written. Plaintext is decrypted
 * straight into the connection's decoder and encrypted straight from its output buffer,
 * so a connection over TLS holds about 33 KB more than one in the clear (3.3 MB for 100
 * connections), beside the engine's own state; this is fixed per connection and not
 * counted in the {@link MemoryBudget}, which is for message data.
 *
 * <p>Used by its loop's thread only, but for the delegated tasks, which run on a thread
 * of {@link TlsEngines} while this layer leaves the engine alone.
 */
final class TlsLayer {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    /** Ciphertext from the client, not yet decrypted (write mode). */
    private ByteBuffer netIn;
    /** Ciphertext for the client, not yet written (write mode). */
    private final ByteBuffer netOut;
    private boolean established;
    /** The handshake finished and the connection has not been told yet. */
    private boolean justEstablished;
    private boolean inboundClosed;
    private volatile boolean taskRunning;

    TlsLayer(SSLEngine engine) throws SSLException {
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        engine.beginHandshake();
    }

    /** Reads what the socket has (while there is room for it); -1 at the end of the stream. */
    int read(ByteChannel channel) throws IOException {
        return channel.read(netIn);
    }

    boolean hasRoomToRead() {
        return netIn.hasRemaining();
    }

    /** Ciphertext has arrived that is not decrypted yet. */
    boolean hasInput() {
        return netIn.position() > 0;
    }

    /** Ciphertext waits to be written. */
    boolean hasOutput() {
        return netOut.position() > 0;
    }

    boolean established() {
        return established;
    }

    /** True once, after the handshake finished. */
    boolean takeEstablished() {
        boolean was = justEstablished;
        justEstablished = false;
        return was;
    }

    /** The client sent its close_notify: nothing more will come. */
    boolean inboundClosed() {
        return inboundClosed;
    }

    /** Plaintext can be encrypted now (the engine does not wait for the client or for a task). */
    boolean canWrap() {
        HandshakeStatus status = engine.getHandshakeStatus();
        return !taskRunning && (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.NEED_WRAP);
    }

    /** The engine waits for delegated tasks that nobody runs yet. */
    boolean needsTasks() {
        return !taskRunning && engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK;
    }

    /** The engine's delegated tasks, to run on another thread; the engine is left alone until {@link #tasksDone()}. */
    Runnable startTasks() {
        taskRunning = true;
        return () -> {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        };
    }

    void tasksDone() {
        taskRunning = false;
    }

    /**
     * Decrypts into {@code plaintext} what has arrived, doing the handshake's work on the
     * way (its answers wait in the outgoing buffer). Stops when it needs more bytes from
     * the client, more room, or a delegated task; returns the plaintext bytes added.
     *
     * @throws SSLException when the client breaks TLS (a failed handshake, a forged record)
     */
    int unwrap(ByteBuffer plaintext) throws SSLException {
        if (taskRunning) {
            return 0;
        }
        int produced = 0;
        netIn.flip();
        try {
            while (true) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    break;
                }
                if (status == HandshakeStatus.NEED_WRAP) {
                    if (!wrapOnce(NOTHING)) {
                        break;
                    }
                    continue;
                }
                if (!netIn.hasRemaining()) {
                    break;
                }
                SSLEngineResult result = engine.unwrap(netIn, plaintext);
                produced += result.bytesProduced();
                noteFinished(result);
                SSLEngineResult.Status outcome = result.getStatus();
                if (outcome == SSLEngineResult.Status.CLOSED) {
                    inboundClosed = true;
                    break;
                }
                if (outcome == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    makeRoomForRecord();
                    break;
                }
                if (outcome == SSLEngineResult.Status.BUFFER_OVERFLOW
                        || result.bytesConsumed() == 0 && result.bytesProduced() == 0
                        && result.getHandshakeStatus() == status) {
                    break;
                }
            }
        } finally {
            netIn.compact();
        }
        return produced;
    }

    /**
     * The record under way fills the whole buffer and is not complete: the engine allows a
     * larger packet than it said at first (its size is known after the hello), so the buffer grows.
     */
    private void makeRoomForRecord() throws SSLException {
        if (netIn.position() > 0 || netIn.limit() < netIn.capacity()) {
            return;
        }
        int packet = engine.getSession().getPacketBufferSize();
        if (packet <= netIn.capacity()) {
            throw new SSLException("a TLS record larger than " + netIn.capacity() + " bytes");
        }
        ByteBuffer bigger = ByteBuffer.allocate(packet);
        bigger.put(netIn);
        bigger.flip();
        netIn = bigger;
    }

    /**
     * Encrypts what {@code plaintext} holds (in read mode) into the outgoing buffer, and
     * whatever the handshake has to send, as far as the buffer takes it.
     */
    private void wrap(ByteBuffer plaintext) throws SSLException {
        while (!taskRunning) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK || status == HandshakeStatus.NEED_UNWRAP
                    || status == HandshakeStatus.NEED_UNWRAP_AGAIN
                    || status == HandshakeStatus.NOT_HANDSHAKING && !plaintext.hasRemaining()) {
                return;
            }
            if (!wrapOnce(status == HandshakeStatus.NEED_WRAP ? NOTHING : plaintext)) {
                return;
            }
        }
    }

    /** One record into the outgoing buffer; false when nothing could be made (no room, or closed). */
    private boolean wrapOnce(ByteBuffer source) throws SSLException {
        SSLEngineResult result = engine.wrap(source, netOut);
        noteFinished(result);
        return result.getStatus() == SSLEngineResult.Status.OK
                && (result.bytesConsumed() > 0 || result.bytesProduced() > 0);
    }

    private void noteFinished(SSLEngineResult result) {
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && !established) {
            established = true;
            justEstablished = true;
        }
    }

    /**
     * Encrypts the replies in {@code plaintext} (in write mode, as the connection fills
     * it) and writes what the socket takes, until all is written, the socket is full, or
     * the handshake waits for the client; what is left stays in {@code plaintext}.
     *
     * @throws SSLException when the engine fails; an IOException when the socket does
     */
    void flush(ByteBuffer plaintext, ByteChannel channel) throws IOException {
        plaintext.flip();
        try {
            while (true) {
                wrap(plaintext);
                if (!hasOutput()) {
                    return;
                }
                write(channel);
                if (hasOutput()) {
                    return;
                }
            }
        } finally {
            plaintext.compact();
        }
    }

    /** Writes what the socket takes of the outgoing buffer. */
    private void write(ByteChannel channel) throws IOException {
        netOut.flip();
        try {
            channel.write(netOut);
        } finally {
            netOut.compact();
        }
    }

    /**
     * Before the socket closes: the engine's last word, a close_notify or the alert that
     * says why the handshake failed, written if the socket takes it at once. Never throws:
     * the connection closes either way.
     */
    void closeQuietly(SocketChannel channel) {
        if (taskRunning) {
            return;
        }
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone() && wrapOnce(NOTHING)) {
                // Until the alert is made, or there is no room for it.
            }
            write(channel);
        } catch (IOException | RuntimeException ignored) {
            // The client may have gone already; closing is all that is left.
        }
    }

    /** Why TLS failed, in the engine's words, for the log. */
    static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** What the handshake agreed, for the session and the transcript. */
    TlsInfo info() {
        SSLSession session = engine.getSession();
        return new TlsInfo(session.getProtocol(), session.getCipherSuite(), serverName(session));
    }

    /** The host name the client asked for (SNI), or empty. */
    private static String serverName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                    return name instanceof SNIHostName host ? host.getAsciiName()
                            : new String(name.getEncoded(), StandardCharsets.ISO_8859_1);
                }
            }
        }
        return "";
    }
}
