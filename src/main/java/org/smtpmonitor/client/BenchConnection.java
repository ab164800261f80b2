package org.smtpmonitor.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One connection of a benchmark: after the greeting and EHLO (done before the clock starts),
 * it sends its share of the messages, one transaction after another, lock-step or pipelined
 * (RFC 2920: MAIL, the RCPTs and DATA in one write), and keeps the latency of each
 * successful transaction, MAIL FROM sent to the final 250 received.
 *
 * <p>A transaction refused anywhere is an error: the connection sends RSET and goes on with
 * the next message. A 421 or a broken connection ends it, and its remaining messages are
 * errors too. The hot loop allocates nothing of its own: the commands are encoded once and
 * the message is patched in place.
 */
final class BenchConnection implements Runnable {

    private static final byte[] DATA = "DATA".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RSET = "RSET".getBytes(StandardCharsets.US_ASCII);

    private final SmtpConnection connection;
    private final BenchMessage message;
    private final long firstId;
    private final int count;
    private final byte[] mailCommand;
    private final byte[][] rcptCommands;
    private final boolean pipelining;
    private final Duration timeout;
    private final CountDownLatch start;

    private final long[] latencies;
    private int ok;
    private int errors;
    private String problem;
    private volatile long finishedAt;

    /**
     * @param firstId ids {@code firstId .. firstId + count - 1} are this connection's
     * @param message this connection's own copy
     */
    BenchConnection(SmtpConnection connection, BenchMessage message, long firstId, int count, String from,
                    List<String> recipients, boolean pipelining, Duration timeout, CountDownLatch start) {
        this.connection = connection;
        this.message = message;
        this.firstId = firstId;
        this.count = count;
        this.mailCommand = ("MAIL FROM:<" + from + ">").getBytes(StandardCharsets.UTF_8);
        this.rcptCommands = new byte[recipients.size()][];
        for (int i = 0; i < recipients.size(); i++) {
            rcptCommands[i] = ("RCPT TO:<" + recipients.get(i) + ">").getBytes(StandardCharsets.UTF_8);
        }
        this.pipelining = pipelining;
        this.timeout = timeout;
        this.start = start;
        this.latencies = new long[count];
    }

    /** The server ended the session (421) or the connection broke. */
    private static final class SessionEnded extends Exception {
        SessionEnded(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void run() {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors = count;
            problem = "interrupted";
            finishedAt = System.nanoTime();
            return;
        }
        int done = 0;
        boolean ended = false;
        try {
            for (; done < count; done++) {
                message.setId(firstId + done);
                long sent = System.nanoTime();
                if (pipelining ? pipelinedTransaction() : lockStepTransaction()) {
                    latencies[ok++] = System.nanoTime() - sent;
                } else {
                    errors++;
                }
            }
        } catch (SessionEnded e) {
            ended = true;
            errors += count - done;
            problem = e.getMessage() + "; " + (count - done) + " of its messages not sent";
        } catch (IOException e) {
            ended = true;
            errors += count - done;
            problem = ConnectionProblem.ofSession(e, timeout) + "; " + (count - done) + " of its messages not sent";
        }
        finishedAt = System.nanoTime();
        if (!ended) {
            quit();
        }
        closeQuietly();
    }

    private boolean lockStepTransaction() throws IOException, SessionEnded {
        connection.sendLine(mailCommand);
        if (!expect(connection.readReply(), 250, "MAIL FROM")) {
            return reset();
        }
        for (byte[] rcpt : rcptCommands) {
            connection.sendLine(rcpt);
            if (!expect(connection.readReply(), 250, "RCPT TO")) {
                return reset();
            }
        }
        connection.sendLine(DATA);
        if (!expect(connection.readReply(), 354, "DATA")) {
            return reset();
        }
        connection.sendData(message.bytes());
        return expect(connection.readReply(), 250, "end of data");
    }

    private boolean pipelinedTransaction() throws IOException, SessionEnded {
        connection.sendLine(mailCommand);
        for (byte[] rcpt : rcptCommands) {
            connection.sendLine(rcpt);
        }
        connection.sendLine(DATA);
        // Every command of the group has a reply; read them all, so none is taken for the next one's.
        boolean accepted = expect(connection.readReply(), 250, "MAIL FROM");
        for (int i = 0; i < rcptCommands.length; i++) {
            accepted &= expect(connection.readReply(), 250, "RCPT TO");
        }
        SmtpReply data = connection.readReply();
        if (data.code() != 354) {
            expect(data, 354, "DATA");
            return reset();
        }
        // Some recipients may have been refused and DATA still accepted (RFC 2920 3.1): the
        // message must go, so the server leaves data mode, but the transaction counts as failed.
        connection.sendData(message.bytes());
        return expect(connection.readReply(), 250, "end of data") && accepted;
    }

    /** True when the reply is {@code code} (any 2yz for 250); ends the session on a 421. */
    private boolean expect(SmtpReply reply, int code, String step) throws SessionEnded {
        if (reply.code() == code || code == 250 && reply.isPositiveCompletion()) {
            return true;
        }
        if (reply.code() == 421) {
            throw new SessionEnded("the server ended the session: " + reply.summary());
        }
        if (problem == null) {
            problem = "first refusal: " + step + ": " + reply.summary();
        }
        return false;
    }

    private boolean reset() throws IOException, SessionEnded {
        connection.sendLine(RSET);
        SmtpReply reply = connection.readReply();
        if (reply.code() == 421) {
            throw new SessionEnded("the server ended the session: " + reply.summary());
        }
        return false;
    }

    private void quit() {
        try {
            connection.command("QUIT");
        } catch (IOException e) {
            // The run is measured already; a server that closes without a 221 changes nothing.
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    long[] latencies() {
        return latencies;
    }

    int ok() {
        return ok;
    }

    int errors() {
        return errors;
    }

    /** What went wrong first on this connection, or {@code null}. */
    String problem() {
        return problem;
    }

    long finishedAt() {
        return finishedAt;
    }
}
