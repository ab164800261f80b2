package org.smtpmonitor.server;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionClosed.Reason;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.smtp.Reply;
import org.smtpmonitor.smtp.SmtpSession;
import org.smtpmonitor.smtp.Step;

/**
 * One client's connection: moves bytes between the socket and its {@link SmtpSession},
 * enforces the idle timeout, and publishes what happens.
 *
 * <p>Replies are buffered and flushed only when no pipelined command is waiting, so a
 * client that pipelines gets its replies in one packet (RFC 2920).
 */
final class Connection implements Runnable {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final long id;
    private final Socket socket;
    private final SmtpSession session;
    private final EventBus events;
    private final ServerConfig config;
    private final Runnable onClose;

    /** Guards the output and {@link #delivering}/{@link #stopping}, shared with {@link #shutdown}. */
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private boolean delivering;
    private boolean stopping;
    private volatile boolean closed;

    Connection(long id, Socket socket, SmtpSession session, EventBus events, ServerConfig config, Runnable onClose) {
        this.id = id;
        this.socket = socket;
        this.session = session;
        this.events = events;
        this.config = config;
        this.onClose = onClose;
    }

    long id() {
        return id;
    }

    @Override
    public void run() {
        Reason reason = Reason.ERROR;
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()));
            socket.setTcpNoDelay(true);
            SmtpInput in = new SmtpInput(socket.getInputStream(), ServerConfig.MAX_COMMAND_LINE, BUFFER_SIZE);
            lock.lock();
            try {
                out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_SIZE);
                if (stopping) {
                    // Accepted as the server began to stop: a 421 instead of the greeting.
                    sayGoodbye(session.serviceClosing("Server shutting down"));
                    return;
                }
                send(session.greeting(), true);
            } finally {
                lock.unlock();
            }
            reason = serve(in);
        } catch (SocketTimeoutException e) {
            reason = Reason.IDLE_TIMEOUT;
            sayGoodbye(session.serviceClosing("Idle timeout"));
        } catch (EOFException e) {
            reason = Reason.CLIENT_DISCONNECTED;
        } catch (IOException e) {
            reason = stopping ? Reason.SERVER_SHUTDOWN : Reason.CLIENT_DISCONNECTED;
        } catch (RuntimeException e) {
            reason = Reason.ERROR;
            publishError("session " + id + " failed: " + e);
        } finally {
            if (stopping && reason != Reason.QUIT && reason != Reason.IDLE_TIMEOUT) {
                reason = Reason.SERVER_SHUTDOWN;
            }
            close();
            if (events.hasListeners()) {
                events.publish(new SessionClosed(id, reason, Instant.now()));
            }
            onClose.run();
        }
    }

    private Reason serve(SmtpInput in) throws IOException {
        while (true) {
            if (!in.hasBufferedInput()) {
                flush();
            }
            String line = in.readCommandLine();
            if (line == null) {
                return stopping ? Reason.SERVER_SHUTDOWN : Reason.CLIENT_DISCONNECTED;
            }
            if (line == SmtpInput.TOO_LONG) {
                received("<command line over " + ServerConfig.MAX_COMMAND_LINE + " bytes>");
                send(session.lineTooLong(), false);
                continue;
            }
            received(line);
            Step step = session.command(line);
            send(step.reply(), false);
            switch (step.next()) {
                case CLOSE:
                    flush();
                    return Reason.QUIT;
                case DATA:
                    flush();
                    if (!receiveMessage(in)) {
                        return Reason.SERVER_SHUTDOWN;
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /** Reads one message and answers it; false when the server is shutting down. */
    private boolean receiveMessage(SmtpInput in) throws IOException {
        SmtpInput.Message message = in.readMessage(config.smtp().maxMessageSize());
        received("<message: " + message.size() + " bytes, " + message.lines() + " lines>");
        received(".");
        if (message.tooLarge()) {
            send(session.messageTooLarge().reply(), false);
            return true;
        }
        lock.lock();
        try {
            if (closed) {
                throw new EOFException("closed before delivery");
            }
            delivering = true;
        } finally {
            lock.unlock();
        }
        Step step;
        try {
            step = session.messageReceived(message.data(), message.length());
        } finally {
            lock.lock();
            delivering = false;
            lock.unlock();
        }
        if (step.failure() != null) {
            publishError(step.failure());
        } else if (events.hasListeners()) {
            var envelope = step.envelope();
            events.publish(new MessageDelivered(id, envelope.queueId(), envelope.sender(), envelope.recipients(),
                    step.copies(), message.length(), Instant.now()));
        }
        lock.lock();
        try {
            send(step.reply(), false);
            if (stopping) {
                send(session.serviceClosing("Server shutting down"), true);
                return false;
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void received(String line) {
        if (events.hasListeners()) {
            events.publish(new LineReceived(id, line, Instant.now()));
        }
    }

    private void send(Reply reply, boolean flush) throws IOException {
        lock.lock();
        try {
            out.write(reply.wire());
            if (flush) {
                out.flush();
            }
        } finally {
            lock.unlock();
        }
        if (events.hasListeners()) {
            Instant now = Instant.now();
            for (String line : reply.lines()) {
                events.publish(new ReplySent(id, line, now));
            }
        }
    }

    private void flush() throws IOException {
        lock.lock();
        try {
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Sends a last reply if the connection is still open; errors are of no interest now. */
    private void sayGoodbye(Reply reply) {
        try {
            send(reply, true);
        } catch (IOException | RuntimeException ignored) {
            // The client is gone already.
        }
    }

    /**
     * Ends the session for a server shutdown: a client waiting between commands or in
     * the middle of DATA gets a 421 now; a delivery under way finishes first, and the
     * session thread sends the 421 after its reply.
     */
    void shutdown() {
        lock.lock();
        try {
            if (stopping || closed) {
                return;
            }
            stopping = true;
            if (delivering || out == null) {
                return;
            }
            sayGoodbye(session.serviceClosing("Server shutting down"));
            close();
        } finally {
            lock.unlock();
        }
    }

    private void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing more to do for a socket that will not close.
        }
    }

    private void publishError(String message) {
        events.publish(new ServerError(id, message, Instant.now()));
    }

    InetSocketAddress remote() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    void publishOpened() {
        if (events.hasListeners()) {
            events.publish(new SessionOpened(id, remote(), Instant.now()));
        }
    }
}
