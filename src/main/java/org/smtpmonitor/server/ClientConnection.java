package org.smtpmonitor.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLException;

import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.EventBus;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.MessageDelivered;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.RuleApplied;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.ServerError;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionClosed.Reason;
import org.smtpmonitor.smtp.AuthInfo;
import org.smtpmonitor.smtp.ClientCheck;
import org.smtpmonitor.event.TlsFailed;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.Reply;
import org.smtpmonitor.smtp.Rule;
import org.smtpmonitor.smtp.SmtpSession;
import org.smtpmonitor.smtp.Step;
import org.smtpmonitor.smtp.TlsInfo;

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
 *
 * <p>Over TLS (after STARTTLS, or from the start on the implicit-TLS port) the bytes
 * pass through a {@link TlsLayer}: the decoder gets the plaintext, and the replies are
 * encrypted as they are written.
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
    /** Makes this connection's TLS engine; null when the server has no TLS. */
    private final TlsEngines tlsEngines;
    /** Accepted on the implicit-TLS port: the handshake comes before the greeting. */
    private final boolean implicitTls;
    /** The connection's TLS; null while it runs in the clear. */
    private TlsLayer tls;
    /** STARTTLS was answered: TLS starts once the 220 is written, and nothing is read until then. */
    private boolean startTlsAfterFlush;
    private SelectionKey key;
    /** What the connection reads and writes through: the socket, or the socket throttled by a rule. */
    private ByteChannel io;
    /** A rule's throttle; null while the connection runs at full speed. */
    private ThrottledChannel throttle;
    /** The loop's timer will look at the throttled connection again. */
    private boolean throttleWakeDue;
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
    /**
     * A command or a message has been taken whose reply is not yet all written: a command
     * taken now was sent before the client had that reply (pipelined, RFC 2920).
     */
    private boolean replyDue;

    /**
     * @param tlsEngines  the server's TLS, for STARTTLS; null when it has none
     * @param implicitTls TLS from the first byte (the implicit-TLS port)
     */
    ClientConnection(long id, SocketChannel channel, SmtpSession session, EventBus events, ServerConfig config,
                     EventLoop loop, MemoryBudget memory, TlsEngines tlsEngines, boolean implicitTls) {
        this.id = id;
        this.tlsEngines = tlsEngines;
        this.implicitTls = implicitTls;
        this.channel = channel;
        this.io = channel;
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
        if (implicitTls) {
            // The greeting follows the handshake.
            if (beginTls()) {
                updateInterest();
            }
            return;
        }
        respond(session.connected());
        flush();
    }

    /**
     * The socket has bytes (or the client left). While a message waits for the disk, what
     * arrives is only buffered, and a client that left is closed once the message is
     * answered, so that its session's events keep their order.
     */
    void onReadable(long now) {
        if (startTlsAfterFlush) {
            updateInterest();
            return;
        }
        int n;
        try {
            n = tls == null ? io.read(decoder.space()) : tls.read(io);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0 && inHandshake()) {
            tlsFailed("the client closed the connection during the handshake", Reason.CLIENT_DISCONNECTED);
            return;
        }
        if (n < 0) {
            inputEnded = true;
            if (!waiting()) {
                close(stopping ? Reason.SERVER_SHUTDOWN : Reason.CLIENT_DISCONNECTED);
            } else {
                updateInterest();
            }
            return;
        }
        if (tls == null) {
            decoder.filled(n);
        }
        countReceived(n, now);
        if (tls != null && pumpTls() < 0) {
            return;
        }
        if (!waiting()) {
            process();
            endIfClientLeft();
        } else {
            updateInterest();
        }
    }

    /** The socket can take more of the replies. */
    void onWritable() {
        flush();
        if (!closed && !waiting() && hasBufferedInput()) {
            process();
            endIfClientLeft();
        }
    }

    /** A message waits for the disk, or a held reply (a failed AUTH's) for its time: nothing else is read meanwhile. */
    private boolean waiting() {
        return delivery != null || held != null;
    }

    /** Bytes have arrived that no command or message has taken yet. */
    private boolean hasBufferedInput() {
        return decoder.hasBufferedInput() || tls != null && tls.hasInput();
    }

    /**
     * Handles what the decoder holds, until it needs more bytes, a message must wait for
     * the disk, or too many replies wait for the client.
     */
    void process() {
        while (!closing && !closed && !waiting() && !startTlsAfterFlush
                && out.position() < OUTPUT_HIGH_WATER) {
            if (decoder.inMessage()) {
                SmtpDecoder.Message message = decoder.nextMessage();
                if (message == null) {
                    if (pullTls()) {
                        continue;
                    }
                    break;
                }
                replyDue = true;
                if (events.hasListeners()) {
                    received("<message: " + message.size() + " bytes, " + message.lines() + (message.lines() == 1 ? " line>" : " lines>"));
                    received(".");
                    warn(session.checkMessage(message.findings(), message.size(), message.data(), message.length()));
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
                if (pullTls()) {
                    continue;
                }
                break;
            }
            if (line instanceof CommandLine.Text command) {
                command(command.text());
            } else {
                received("<command line over " + ServerConfig.MAX_COMMAND_LINE + " bytes>");
                checkPipelined();
                send(session.lineTooLong());
            }
        }
        loop.needsFlush(this);
    }

    private void command(String line) {
        // Asked before the session sees the line: whether it is an AUTH secret depends on the state before.
        received(session.shown(line));
        checkPipelined();
        respond(session.command(line));
    }

    /**
     * Tells of the rule that shaped {@code step}, if one did, then answers it at once, or
     * holds it back for its delay (the loop's timer sends it; nothing is read meanwhile).
     */
    private void respond(Step step) {
        Rule rule = step.rule();
        if (rule != null && events.hasListeners()) {
            events.publish(new RuleApplied(id, rule.name(), rule.action(), Instant.now()));
        }
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
        warn(step.warnings());
        if (step.throttle() > 0) {
            throttle(step.throttle());
        }
        if (step.next() == Step.Next.DROP) {
            // What was answered before goes out; this step's command gets no reply.
            closeAfterFlush(Reason.RULE);
            loop.needsFlush(this);
            return;
        }
        send(step.reply());
        AuthInfo auth = step.authenticated();
        if (auth != null && events.hasListeners()) {
            events.publish(new SessionAuthenticated(id, auth.mechanism(), auth.user(), Instant.now()));
        }
        if (step.next() == Step.Next.CLOSE) {
            closeAfterFlush(step.authFailed() ? Reason.AUTH_FAILURES
                    : step.rule() != null && step.rule().close() == Rule.Close.AFTER ? Reason.RULE : Reason.QUIT);
        } else if (step.next() == Step.Next.DATA) {
            decoder.startMessage(config.smtp().maxMessageSize());
        } else if (step.next() == Step.Next.START_TLS) {
            // What the client pipelined after STARTTLS came in the clear: taken as sent under
            // TLS, it would let a man in the middle inject commands (CVE-2011-0411).
            int discarded = decoder.discardInput();
            if (discarded > 0) {
                received("<" + discarded + " bytes after STARTTLS discarded>");
            }
            startTlsAfterFlush = true;
        }
    }

    /**
     * A command was taken: if the reply to the one before is not all written yet, the client
     * sent it without waiting, which is a fault unless PIPELINING was offered. The bytes a
     * client pipelines after STARTTLS are dropped before they are taken, and have a note of
     * their own.
     */
    private void checkPipelined() {
        if (replyDue) {
            warn(session.commandPipelined());
        }
        replyDue = true;
    }

    private void warn(List<ClientCheck.Warning> warnings) {
        for (ClientCheck.Warning warning : warnings) {
            warn(warning);
        }
    }

    private void warn(ClientCheck.Warning warning) {
        if (warning != null && events.hasListeners()) {
            events.publish(new ClientWarning(id, warning.kind().id(), warning.text(), Instant.now()));
        }
    }

    /** Switches the connection to TLS: the next bytes from the client are its handshake. False when it closed. */
    private boolean beginTls() {
        startTlsAfterFlush = false;
        try {
            tls = new TlsLayer(tlsEngines.newEngine());
        } catch (SSLException | RuntimeException e) {
            tlsFailed("TLS could not start: " + TlsLayer.reason(e), Reason.TLS_FAILED);
            return false;
        }
        restartClock(System.nanoTime());
        return true;
    }

    /** Still before the end of the handshake: replies cannot be sent, neither in the clear nor encrypted. */
    private boolean inHandshake() {
        return startTlsAfterFlush || (tls == null ? implicitTls : !tls.established());
    }

    /**
     * Lets TLS take what has arrived: plaintext into the decoder, the handshake's answers
     * queued to be written. Returns the plaintext bytes added, or -1 when there is nothing
     * to process: the handshake is not done, the engine waits for a delegated task, or
     * the connection closed (a broken handshake or record).
     */
    private int pumpTls() {
        int added;
        try {
            added = tls.unwrap(decoder.space());
        } catch (SSLException | RuntimeException e) {
            tlsFailed(TlsLayer.reason(e), Reason.TLS_FAILED);
            return -1;
        }
        decoder.filled(added);
        loop.needsFlush(this);
        if (tls.takeEstablished()) {
            tlsEstablished();
        }
        if (tls.inboundClosed()) {
            if (!tls.established()) {
                tlsFailed("the client closed TLS during the handshake", Reason.CLIENT_DISCONNECTED);
                return -1;
            }
            inputEnded = true;
        }
        if (tls.needsTasks()) {
            runTlsTasks();
            return -1;
        }
        return tls.established() ? added : -1;
    }

    /** More plaintext for the decoder from what TLS holds; false when there is none now. */
    private boolean pullTls() {
        return tls != null && tls.hasInput() && pumpTls() > 0;
    }

    private void tlsEstablished() {
        TlsInfo info = tls.info();
        session.tlsStarted(info);
        if (events.hasListeners()) {
            events.publish(new TlsStarted(id, info, Instant.now()));
        }
        restartClock(System.nanoTime());
        if (implicitTls) {
            respond(session.connected());
        }
    }

    /** The engine's delegated tasks run on a TLS thread; the connection goes on when they are done. */
    private void runTlsTasks() {
        try {
            tlsEngines.runDelegatedTasks(tls, loop, this::tlsTasksDone);
        } catch (RejectedExecutionException e) {
            close(Reason.SERVER_SHUTDOWN);
            return;
        }
        updateInterest();
    }

    private void tlsTasksDone() {
        if (!closed && pumpTls() >= 0) {
            resume();
        } else {
            updateInterest();
        }
    }

    /** Goes on with what has arrived, unless the connection waits for the disk. */
    private void resume() {
        if (closed) {
            return;
        }
        if (delivery == null) {
            process();
            endIfClientLeft();
        } else {
            updateInterest();
        }
    }

    /** The handshake failed, or the client broke TLS: the reason goes into the log, and the connection closes. */
    private void tlsFailed(String reason, Reason closeReason) {
        if (events.hasListeners()) {
            events.publish(new TlsFailed(id, reason, Instant.now()));
        }
        close(closeReason);
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
        } else if (envelope != null && !step.discarded() && events.hasListeners()) {
            events.publish(new MessageDelivered(id, envelope.queueId(), envelope.sender(), envelope.recipients(),
                    step.copies(), deliveringSize, Instant.now()));
        }
        respond(step);
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
        if (inputEnded && !closed && !closing && !waiting() && out.position() < OUTPUT_HIGH_WATER) {
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
        // The 421 says all a held reply would have; and a rule's throttle does not hold the shutdown up.
        held = null;
        throttle = null;
        io = channel;
        if (inHandshake()) {
            // Neither a 421 in the clear nor an encrypted one would reach the client.
            close(Reason.SERVER_SHUTDOWN);
            return;
        }
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
        if (inHandshake()) {
            tlsFailed("no TLS handshake within the timeout", Reason.COMMAND_TIMEOUT);
            return true;
        }
        Reason reason;
        String text;
        if (decoder.inMessage()) {
            reason = Reason.DATA_TIMEOUT;
            text = "Data timeout";
        } else if (receivedSinceClockStart > 0 || hasBufferedInput()) {
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
        // A throttled connection's data moves as slowly as the rule makes it: that is not the client's doing.
        if (decoder.inMessage() && (receivedSinceClockStart >= DATA_PROGRESS_BYTES || throttle != null && n > 0)) {
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
        if (tls != null) {
            if (!flushTls()) {
                return;
            }
        } else if (out.position() > 0) {
            out.flip();
            try {
                io.write(out);
            } catch (IOException e) {
                out.clear();
                close(closing ? closeReason : Reason.CLIENT_DISCONNECTED);
                return;
            }
            out.compact();
        }
        if (replyDue && out.position() == 0 && (tls == null || !tls.hasOutput()) && !waiting()) {
            // Every reply due has reached the socket: the client may send its next command now.
            replyDue = false;
        }
        if (out.position() == 0 && (tls == null || !tls.hasOutput()) && closing) {
            close(closeReason);
            return;
        }
        if (startTlsAfterFlush && out.position() == 0 && !closing && !beginTls()) {
            return;
        }
        updateInterest();
    }

    /**
     * Encrypts the replies and writes what the socket takes; false when the connection
     * closed. A handshake that stopped for want of room to write goes on once it has room.
     */
    private boolean flushTls() {
        try {
            tls.flush(out, io);
            if (tls.takeEstablished()) {
                // The handshake's last message went out here (as in TLS 1.2): the greeting,
                // and the answers to what the client sent meanwhile, follow.
                tlsEstablished();
                tls.flush(out, io);
                if (hasBufferedInput()) {
                    loop.execute(this::resume);
                }
            }
        } catch (SSLException | RuntimeException e) {
            out.clear();
            tlsFailed(TlsLayer.reason(e), Reason.TLS_FAILED);
            return false;
        } catch (IOException e) {
            out.clear();
            close(closing ? closeReason : Reason.CLIENT_DISCONNECTED);
            return false;
        }
        if (tls.needsTasks()) {
            runTlsTasks();
        } else if (!tls.established() && tls.hasInput() && !tls.hasOutput()) {
            pumpTls();
        }
        return !closed;
    }

    private void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        int ops = 0;
        long throttledFor = Long.MAX_VALUE;
        if (tls == null ? out.position() > 0 : tls.hasOutput() || out.position() > 0 && tls.canWrap()) {
            if (throttle == null || throttle.canWrite()) {
                ops |= SelectionKey.OP_WRITE;
            } else {
                throttledFor = throttle.writeWaitNanos();
            }
        }
        // Read while there is room for the bytes, even while a message waits for the disk
        // (what arrives then waits in the buffer): turning reading off and on again would
        // cost two epoll_ctl calls a message. Not while the client lets replies pile up,
        // or the session is ending.
        if (!closing && !inputEnded && !startTlsAfterFlush && (tls == null ? decoder.hasSpace() : tls.hasRoomToRead())
                && out.position() < OUTPUT_HIGH_WATER) {
            if (throttle == null || throttle.canRead()) {
                ops |= SelectionKey.OP_READ;
            } else {
                throttledFor = Math.min(throttledFor, throttle.readWaitNanos());
            }
        }
        if (throttledFor != Long.MAX_VALUE) {
            wakeAfter(throttledFor);
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /**
     * From now on, reads and writes go at no more than {@code bytesPerSecond} each way (a
     * rule's throttle; a later one replaces it). Works the same over TLS: the ciphertext is
     * what is paced.
     */
    private void throttle(long bytesPerSecond) {
        if (throttle != null && throttle.bytesPerSecond() == bytesPerSecond) {
            return;
        }
        throttle = new ThrottledChannel(channel, bytesPerSecond);
        io = throttle;
    }

    /** The throttle holds a direction back: look again, on the loop's timer, once it lets bytes through. */
    private void wakeAfter(long wait) {
        if (throttleWakeDue) {
            return;
        }
        throttleWakeDue = true;
        loop.runAt(System.nanoTime() + Math.max(wait, 1_000_000), () -> {
            throttleWakeDue = false;
            if (!closed) {
                // Writes what the throttle lets out now, and watches again what it allows.
                flush();
            }
        });
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
        if (tls != null) {
            tls.closeQuietly(channel);
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
