package org.smtpmonitor.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One connection of a benchmark, as a state machine driven by {@link BenchLoop}: after the
 * greeting and EHLO (done with {@link SmtpConnection} before the clock starts), it sends its
 * share of the messages, one transaction after another, lock-step or pipelined (RFC 2920:
 * MAIL, the RCPTs and DATA in one write), and keeps the latency of each successful
 * transaction, MAIL FROM sent to the final 250 received.
 *
 * <p>A transaction refused anywhere is an error: the connection sends RSET and goes on with
 * the next message. A 421 or a broken connection ends it, and its remaining messages are
 * errors too. The hot path allocates nothing: commands are encoded once, the message is
 * patched in place, and replies are parsed in the input buffer (a String only for a refusal).
 */
final class BenchConnection {

    private enum Step { MAIL, RCPT, DATA, MESSAGE, GROUP, RSET, QUIT, CLOSED }

    private final BenchTransport transport;
    /** The message of each turn (see {@link BenchCommands#turn}): this connection's own copies. */
    private final List<BenchMessage> messages;
    private final long firstId;
    private final int count;
    private final boolean pipelining;

    private final BenchCommands commands;
    /** The message of each turn and the line that ends it, written with one gathering write. */
    private final ByteBuffer[][] messageAndEnd;

    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private final ByteBuffer[] writing = new ByteBuffer[2];
    private int writingCount;
    private SelectionKey key;

    private Step step;
    /** The RCPTs of the transaction under way. */
    private ByteBuffer[] rcpts;
    private int turn;
    private int rcptIndex;
    /** In a pipelined group: replies read so far, and whether all were positive. */
    private int groupReplies;
    private boolean groupAccepted;
    private int done;
    private long transactionStart;
    /** When this connection last wrote or got a reply (System.nanoTime): a stall shows as an old value. */
    private long lastProgress;

    private final long[] latencies;
    private int ok;
    private int errors;
    private String problem;
    private long finishedAt;

    /**
     * @param firstId ids {@code firstId .. firstId + count - 1} are this connection's
     * @param messages this connection's own copies: the message, or with {@code spread} one a recipient
     * @param spread   each message to one of the recipients, in turn by id, rather than to all
     */
    BenchConnection(BenchTransport transport, List<BenchMessage> messages, long firstId, int count, String from,
                    List<String> recipientAddresses, boolean spread, boolean pipelining) {
        this.transport = transport;
        this.messages = List.copyOf(messages);
        this.firstId = firstId;
        this.count = count;
        this.pipelining = pipelining;
        this.commands = new BenchCommands(from, recipientAddresses, spread);
        this.messageAndEnd = new ByteBuffer[messages.size()][];
        for (int i = 0; i < messages.size(); i++) {
            messageAndEnd[i] = new ByteBuffer[] {messages.get(i).buffer(), commands.endOfData};
        }
        this.latencies = new long[count];
    }

    /** Makes the channel non-blocking and registers it for the loop (after the blocking setup). */
    void register(Selector selector) throws IOException {
        transport.channel().configureBlocking(false);
        key = transport.channel().register(selector, SelectionKey.OP_READ, this);
    }

    /** Starts the first transaction. */
    void start() {
        if (count == 0) {
            finish();
        } else {
            beginTransaction();
        }
    }

    boolean isClosed() {
        return step == Step.CLOSED;
    }

    /** When this connection last wrote or got a reply (System.nanoTime). */
    long lastProgress() {
        return lastProgress;
    }

    private void beginTransaction() {
        long id = firstId + done;
        turn = commands.turn(id);
        messages.get(turn).setId(id);
        rcpts = commands.rcpts[turn];
        transactionStart = System.nanoTime();
        if (pipelining) {
            step = Step.GROUP;
            groupReplies = 0;
            groupAccepted = true;
            write(commands.groups[turn]);
        } else {
            step = Step.MAIL;
            write(commands.mail);
        }
    }

    private void write(ByteBuffer buffer) {
        buffer.clear();
        writing[0] = buffer;
        writingCount = 1;
        flush();
    }

    private void writeMessage() {
        ByteBuffer[] buffers = messageAndEnd[turn];
        buffers[0].clear();
        buffers[1].clear();
        writing[0] = buffers[0];
        writing[1] = buffers[1];
        writingCount = 2;
        flush();
    }

    /** Writes what it can; what the socket does not take now waits for OP_WRITE. */
    private void flush() {
        lastProgress = System.nanoTime();
        try {
            transport.write(writing, 0, writingCount);
        } catch (IOException e) {
            end(lost(e));
            return;
        }
        boolean all = !writing[writingCount - 1].hasRemaining() && !transport.pendingOutput();
        key.interestOps(all ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /** The socket takes more: go on with the write that did not fit. */
    void onWritable() {
        flush();
    }

    /** Reads what came and handles every whole reply in it. */
    void onReadable() {
        do {
            readAndHandle();
        } while (step != Step.CLOSED && transport.bufferedInput());
    }

    private void readAndHandle() {
        int n;
        try {
            n = transport.read(in);
        } catch (IOException e) {
            end(lost(e));
            return;
        }
        if (n < 0) {
            end(step == Step.QUIT ? null : "the server closed the connection");
            return;
        }
        byte[] bytes = in.array();
        int limit = in.position();
        int lineStart = 0;
        for (int i = 0; i < limit && step != Step.CLOSED; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            int lineEnd = i > lineStart && bytes[i - 1] == '\r' ? i - 1 : i;
            int code = replyCode(bytes, lineStart, lineEnd);
            if (code < 0) {
                end("malformed reply from the server: '"
                        + new String(bytes, lineStart, Math.min(lineEnd - lineStart, 80), StandardCharsets.UTF_8) + "'");
                return;
            }
            boolean last = lineEnd - lineStart == 3 || bytes[lineStart + 3] == ' ';
            if (last) {
                lastProgress = System.nanoTime();
                onReply(code, bytes, lineStart, lineEnd);
            }
            lineStart = i + 1;
        }
        if (step == Step.CLOSED) {
            return;
        }
        if (lineStart == 0 && limit == in.capacity()) {
            end("malformed reply from the server: a line longer than " + in.capacity() + " bytes");
            return;
        }
        // Keep the part of a line that has not ended yet.
        System.arraycopy(bytes, lineStart, bytes, 0, limit - lineStart);
        in.position(limit - lineStart);
    }

    /** Why the connection broke (a non-blocking channel never times out: the loop does that). */
    private static String lost(IOException e) {
        return "connection lost: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** The code of a reply line (RFC 5321 4.2), or -1 when it is not one. */
    private static int replyCode(byte[] bytes, int start, int end) {
        int length = end - start;
        if (length < 3 || bytes[start] < '2' || bytes[start] > '5' || bytes[start + 1] < '0' || bytes[start + 1] > '5'
                || bytes[start + 2] < '0' || bytes[start + 2] > '9'
                || length > 3 && bytes[start + 3] != ' ' && bytes[start + 3] != '-') {
            return -1;
        }
        return (bytes[start] - '0') * 100 + (bytes[start + 1] - '0') * 10 + (bytes[start + 2] - '0');
    }

    private void onReply(int code, byte[] bytes, int start, int end) {
        if (code == 421 && step != Step.QUIT) {
            end("the server ended the session: " + text(bytes, start, end));
            return;
        }
        boolean positive = code >= 200 && code < 300;
        switch (step) {
            case MAIL -> {
                if (refused(positive, "MAIL FROM", bytes, start, end)) {
                    reset();
                } else if (rcpts.length > 0) {
                    step = Step.RCPT;
                    rcptIndex = 0;
                    write(rcpts[0]);
                }
            }
            case RCPT -> {
                if (refused(positive, "RCPT TO", bytes, start, end)) {
                    reset();
                } else if (++rcptIndex < rcpts.length) {
                    write(rcpts[rcptIndex]);
                } else {
                    step = Step.DATA;
                    write(commands.data);
                }
            }
            case DATA -> {
                if (refused(code == 354, "DATA", bytes, start, end)) {
                    reset();
                } else {
                    step = Step.MESSAGE;
                    writeMessage();
                }
            }
            case GROUP -> {
                groupReplies++;
                if (groupReplies <= rcpts.length + 1) {
                    groupAccepted &= !refused(positive, groupReplies == 1 ? "MAIL FROM" : "RCPT TO", bytes, start, end);
                } else if (refused(code == 354, "DATA", bytes, start, end)) {
                    reset();
                } else {
                    // Some recipients may be refused and DATA still accepted (RFC 2920 3.1):
                    // the message must go to leave data mode, but the transaction failed.
                    step = Step.MESSAGE;
                    writeMessage();
                }
            }
            case MESSAGE -> {
                boolean accepted = !refused(positive, "end of data", bytes, start, end) && (!pipelining || groupAccepted);
                transactionDone(accepted);
            }
            case RSET -> transactionDone(false);
            case QUIT -> end(null);
            default -> {
            }
        }
    }

    /** True, and the first refusal noted, when {@code expected} is false. */
    private boolean refused(boolean expected, String command, byte[] bytes, int start, int end) {
        if (!expected && problem == null) {
            problem = "first refusal: " + command + ": " + text(bytes, start, end);
        }
        return !expected;
    }

    private static String text(byte[] bytes, int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.UTF_8).strip();
    }

    private void reset() {
        step = Step.RSET;
        write(commands.rset);
    }

    private void transactionDone(boolean accepted) {
        if (accepted) {
            latencies[ok++] = System.nanoTime() - transactionStart;
        } else {
            errors++;
        }
        done++;
        if (done < count) {
            beginTransaction();
        } else {
            finish();
        }
    }

    private void finish() {
        finishedAt = System.nanoTime();
        step = Step.QUIT;
        write(commands.quit);
    }

    /**
     * Ends the connection: a QUIT answered ({@code why} null) or trouble, which makes every
     * message not yet done an error.
     */
    void end(String why) {
        if (step == Step.CLOSED) {
            return;
        }
        if (why != null && step != Step.QUIT) {
            int left = count - done;
            errors += left;
            problem = why + "; " + left + " of its " + count + " messages not sent"
                    + (problem != null ? " (" + problem + ")" : "");
            finishedAt = System.nanoTime();
        }
        step = Step.CLOSED;
        if (key != null) {
            // null when registering it failed
            key.cancel();
        }
        try {
            transport.close();
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

    /** When its last transaction ended (System.nanoTime). */
    long finishedAt() {
        return finishedAt;
    }
}
