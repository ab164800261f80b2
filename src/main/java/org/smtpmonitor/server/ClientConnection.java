package org.smtpmonitor.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Instant;

import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionClosed.Reason;
import org.smtpmonitor.smtp.AuthInfo;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.Reply;
import org.smtpmonitor.smtp.SmtpSession;
import org.smtpmonitor.smtp.Step;

/**
 * One client's connection, driven by its {@link EventLoop}: bytes in through a
 * {@link SmtpDecoder}, commands to the {@link SmtpSession}, replies out through a buffer.
 *
 * <p>While a message waits for the disk, the connection only buffers what arrives (up to
 * its input buffer); while the client does not read its replies, it reads nothing more,
 * so memory stays bounded and replies keep their order. Replies are written once per
 * loop turn, so pipelined commands get their replies in one packet (RFC 2920). Used by
 * its loop's thread only, but for {@link #awaitDurable}, which the disk thread calls
 * while the connection takes no commands.
 */
final class ClientConnection {

    private static final int INPUT_BUFFER = 64 * 1024;
    /** Past this much unsent output, the connection stops taking commands until the client reads. */
    private static final int OUTPUT_HIGH_WATER = 64 * 1024;
    /**
     * In message data, each this many bytes received restart the timeout: a client must
     * keep its message moving, not merely send a byte now and then (Slowloris). 64 KiB per
     * timeout (218 bytes a second at the default 300 s) cuts off a trickle, yet is far
     * below the rate of any real client, however slow its link.
     */
    private static final int DATA_PROGRESS_BYTES = 64 * 1024;

    final long id;
    private final SocketChannel channel;
    private final SmtpSession session;
    private final EventBus events;
    private final ServerConfig config;
    private final EventLoop loop;
    private final SmtpDecoder decoder;
    private SelectionKey key;
    private ByteBuffer out = ByteBuffer.allocate(4096);

    private SmtpSession.Delivery delivery;
    /**
     * A reply the session asked to hold back (a failed AUTH's): until the loop sends it, the
     * connection takes no command, as while a message waits for the disk.
     */
    private Step held;
    private long deliveringSize;
    /** When the timeout began: at the last reply, or the last {@link #DATA_PROGRESS_BYTES} of message data. */
    private long clockStart;
    private long receivedSinceClockStart;
    private boolean closing;
    private Reason closeReason;
    private boolean closed;
    private boolean stopping;
    /** The client closed its side (or the socket failed) while a message waited for the disk. */
    private boolean inputEnded;

    ClientConnection(long id, SocketChannel channel, SmtpSession session, EventBus events, ServerConfig config,
                     EventLoop loop, MemoryBudget memory) {
        this.id = id;
        this.channel = channel;
        this.session = session;
        this.events = events;
        this.config = config;
        this.loop = loop;
        this.decoder = new SmtpDecoder(ServerConfig.MAX_COMMAND_LINE, INPUT_BUFFER, memory);
    }

    InetSocketAddress remote() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Registers with the loop's selector and sends the greeting. */
    void open(SelectionKey selectionKey, long now) {
        key = selectionKey;
        restartClock(now);
        if (stopping) {
            stopNow();
            return;
        }
        send(session.greeting());
        flush();
    }

    /**
     * The socket has bytes (or the client left). While a message waits for the disk, what
     * arrives is only buffered, and a client that left is closed once the message is
     * answered, so that its session's events keep their order.
     */
    void onReadable(long now) {
        int n;
        try {
            n = channel.read(decoder.space());
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            inputEnded = true;
            if (delivery == null) {
                close(stopping ? Reason.SERVER_SHUTDOWN : Reason.CLIENT_DISCONNECTED);
            } else {
                updateInterest();
            }
            return;
        }
        decoder.filled(n);
        countReceived(n, now);
        if (delivery == null && held == null) {
            process();
        } else {
            updateInterest();
        }
    }

    /** The socket can take more of the replies. */
    void onWritable() {
        flush();
        if (!closed && delivery == null && held == null && decoder.hasBufferedInput()) {
            process();
            endIfClientLeft();
        }
    }

    /**
     * Handles what the decoder holds, until it needs more bytes, a message must wait for
     * the disk, or too many replies wait for the client.
     */
    void process() {
        while (!closing && !closed && delivery == null && held == null && out.position() < OUTPUT_HIGH_WATER) {
            if (decoder.inMessage()) {
                SmtpDecoder.Message message = decoder.nextMessage();
                if (message == null) {
                    break;
                }
                if (events.hasListeners()) {
                    received("<message: " + message.size() + " bytes, " + message.lines() + " lines>");
                    received(".");
                }
                if (message.status() != SmtpDecoder.Message.Status.RECEIVED) {
                    send(message.tooLarge() ? session.messageTooLarge().reply() : session.insufficientStorage().reply());
                    decoder.messageHandled();
                    continue;
                }
                deliveringSize = message.length();
                delivery = session.beginDelivery(message.data(), message.length());
                // The store has the bytes now (written, if not yet on disk).
                decoder.messageHandled();
                loop.awaitDisk(this);
                break;
            }
            CommandLine line = decoder.nextCommand();
            if (line == null) {
                break;
            }
            if (line instanceof CommandLine.Text command) {
                command(command.text());
            } else {
                received("<command line over " + ServerConfig.MAX_COMMAND_LINE + " bytes>");
                send(session.lineTooLong());
            }
        }
        loop.needsFlush(this);
    }

    private void command(String line) {
        // Asked before the session sees the line: whether it is an AUTH secret depends on the state before.
        received(session.shown(line));
        Step step = session.command(line);
        if (!step.delay().isZero()) {
            held = step;
            loop.runAt(System.nanoTime() + step.delay().toNanos(), this::sendHeld);
            return;
        }
        answer(step);
    }

    /** The held reply's time has come: send it, then go on with what the client sent meanwhile. */
    private void sendHeld() {
        if (closed || held == null) {
            return;
        }
        Step step = held;
        held = null;
        answer(step);
        process();
        endIfClientLeft();
    }

    private void answer(Step step) {
        send(step.reply());
        AuthInfo auth = step.authenticated();
        if (auth != null && events.hasListeners()) {
            events.publish(new SessionAuthenticated(id, auth.mechanism(), auth.user(), Instant.now()));
        }
        if (step.next() == Step.Next.CLOSE) {
            closeAfterFlush(step.authFailed() ? Reason.AUTH_FAILURES : Reason.QUIT);
        } else if (step.next() == Step.Next.DATA) {
            decoder.startMessage(config.smtp().maxMessageSize());
        }
    }

    /** Waits until the message handed to the store is on disk (on the disk thread). */
    void awaitDurable() {
        delivery.awaitDurable();
    }

    /** The wait for the disk failed (on the disk thread): the message gets a 451 unless it is on disk. */
    void abandonDelivery(String reason) {
        delivery.abandon(reason);
    }

    /**
     * The disk has taken (or failed to take) the message that {@link #process} handed to
     * the store: answer it, then go on with what the client sent meanwhile.
     */
    void finishDelivery() {
        Step step = session.finishDelivery(delivery);
        delivery = null;
        Envelope envelope = step.envelope();
        if (step.failure() != null) {
            events.publish(new ServerError(id, step.failure(), Instant.now()));
        } else if (events.hasListeners()) {
            events.publish(new MessageDelivered(id, envelope.queueId(), envelope.sender(), envelope.recipients(),
                    step.copies(), deliveringSize, Instant.now()));
        }
        send(step.reply());
        if (stopping) {
            stopNow();
            return;
        }
        process();
        endIfClientLeft();
    }

    /**
     * A client that closed its side while its message waited for the disk has had every
     * command it sent before that answered (unless replies are piling up): close after them.
     */
    private void endIfClientLeft() {
        if (inputEnded && !closed && !closing && delivery == null && held == null && out.position() < OUTPUT_HIGH_WATER) {
            closeAfterFlush(Reason.CLIENT_DISCONNECTED);
            loop.needsFlush(this);
        }
    }

    /** For a server shutdown: a 421 now, or right after the reply to a message that waits for the disk. */
    void stop() {
        stopping = true;
        if (delivery == null && !closed) {
            stopNow();
        }
    }

    private void stopNow() {
        if (closing || closed) {
            return;
        }
        // The 421 says all a held reply would have.
        held = null;
        send(session.serviceClosing("Server shutting down"));
        closeAfterFlush(Reason.SERVER_SHUTDOWN);
        loop.needsFlush(this);
    }

    /**
     * Closes the session of a client that has not completed its command within the timeout
     * (counted from the last reply, so bytes that do not complete a command do not restart
     * it; RFC 5321 4.5.3.2.7), or whose message data has not moved along by
     * {@link #DATA_PROGRESS_BYTES} within it; and drops, after one more timeout, a client
     * that does not read the reply that ends its session. A message waiting for the disk,
     * or a reply held back, is not the client's delay.
     */
    boolean checkTimeout(long now) {
        if (closed || delivery != null || held != null || now - clockStart < config.idleTimeout().toNanos()) {
            return false;
        }
        if (closing) {
            close(closeReason);
            return true;
        }
        Reason reason;
        String text;
        if (decoder.inMessage()) {
            reason = Reason.DATA_TIMEOUT;
            text = "Data timeout";
        } else if (receivedSinceClockStart > 0 || decoder.hasBufferedInput()) {
            reason = Reason.COMMAND_TIMEOUT;
            text = "Command timeout";
        } else {
            reason = Reason.IDLE_TIMEOUT;
            text = "Idle timeout";
        }
        send(session.serviceClosing(text));
        closeAfterFlush(reason);
        flush();
        return true;
    }

    /** Every reply restarts the timeout: the next command is awaited from now. */
    private void restartClock(long now) {
        clockStart = now;
        receivedSinceClockStart = 0;
    }

    private void countReceived(int n, long now) {
        receivedSinceClockStart += n;
        if (decoder.inMessage() && receivedSinceClockStart >= DATA_PROGRESS_BYTES) {
            clockStart = now;
            receivedSinceClockStart %= DATA_PROGRESS_BYTES;
        }
    }

    private void closeAfterFlush(Reason reason) {
        closing = true;
        closeReason = reason;
    }

    private void received(String line) {
        if (events.hasListeners()) {
            events.publish(new LineReceived(id, line, Instant.now()));
        }
    }

    private void send(Reply reply) {
        restartClock(System.nanoTime());
        byte[] wire = reply.wire();
        if (out.remaining() < wire.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + wire.length));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put(wire);
        if (events.hasListeners()) {
            Instant now = Instant.now();
            for (String line : reply.lines()) {
                events.publish(new ReplySent(id, line, now));
            }
        }
    }

    /** Writes what replies the socket takes; watches for writability when it takes less than all. */
    void flush() {
        if (closed) {
            return;
        }
        if (out.position() > 0) {
            out.flip();
            try {
                channel.write(out);
            } catch (IOException e) {
                out.clear();
                close(closing ? closeReason : Reason.CLIENT_DISCONNECTED);
                return;
            }
            out.compact();
        }
        if (out.position() == 0 && closing) {
            close(closeReason);
            return;
        }
        updateInterest();
    }

    private void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (out.position() > 0) {
            ops |= SelectionKey.OP_WRITE;
        }
        // Read while there is room for the bytes, even while a message waits for the disk
        // (what arrives then waits in the buffer): turning reading off and on again would
        // cost two epoll_ctl calls a message. Not while the client lets replies pile up,
        // or the session is ending.
        if (!closing && !inputEnded && decoder.hasSpace() && out.position() < OUTPUT_HIGH_WATER) {
            ops |= SelectionKey.OP_READ;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    void close(Reason reason) {
        if (closed) {
            return;
        }
        closed = true;
        decoder.free();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // The socket is gone either way.
        }
        if (events.hasListeners()) {
            events.publish(new SessionClosed(id, reason, Instant.now()));
        }
        loop.closed(this);
    }
}
