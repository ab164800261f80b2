package org.smtpmonitor.client;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client side of one SMTP connection, over a plain socket or, after
 * {@link #startTls}, over TLS: commands and message data go out through a buffer, replies
 * come in whole through a {@link SmtpReplyReader}.
 *
 * <p>Nothing is sent until {@link #flush()} or {@link #readReply()}, so a client may
 * pipeline (RFC 2920): send several commands, then read their replies in order.
 * Not thread-safe.
 */
public final class SmtpConnection implements Closeable {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};
    private static final int BUFFER_SIZE = 64 * 1024;

    // Replaced, all three, when the session goes over to TLS.
    private Socket socket;
    private OutputStream out;
    private SmtpReplyReader replies;
    private TlsHandshake tls;
    private byte[] commandBytes = new byte[512];

    /** Takes over a connected socket (tests and benchmarks may bring their own). */
    public SmtpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_SIZE);
        this.replies = new SmtpReplyReader(socket.getInputStream());
    }

    /**
     * Connects to {@code host:port}. The greeting is not read: that is the caller's first
     * {@link #readReply()}.
     *
     * @param timeout how long connecting may take, and then how long to wait for any reply
     * @throws java.net.UnknownHostException      when the host has no address
     * @throws java.net.ConnectException          when nothing listens there
     * @throws java.net.SocketTimeoutException    when connecting takes longer than the timeout
     */
    public static SmtpConnection open(String host, int port, Duration timeout) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address, port), millis);
            socket.setSoTimeout(millis);
            return new SmtpConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Buffers a command and its CRLF, the command encoded as UTF-8.
     *
     * @throws IllegalArgumentException when the command holds a CR or LF, which would
     *                                  make it two commands
     */
    public void send(String command) throws IOException {
        int length = command.length();
        if (length + 2 > commandBytes.length) {
            commandBytes = new byte[Math.max(length + 2, commandBytes.length * 2)];
        }
        for (int i = 0; i < length; i++) {
            char c = command.charAt(i);
            if (c == '\r' || c == '\n') {
                throw lineBreak(command);
            }
            if (c >= 0x80) {
                if (command.indexOf('\r', i) >= 0 || command.indexOf('\n', i) >= 0) {
                    throw lineBreak(command);
                }
                sendLine(command.getBytes(StandardCharsets.UTF_8));
                return;
            }
            commandBytes[i] = (byte) c;
        }
        // ASCII, the usual case: one byte per char, no encoder, one write.
        commandBytes[length] = '\r';
        commandBytes[length + 1] = '\n';
        out.write(commandBytes, 0, length + 2);
    }

    private static IllegalArgumentException lineBreak(String command) {
        return new IllegalArgumentException("a command cannot contain a line break: " + command.strip());
    }

    /** Buffers a line exactly as given, then CRLF: a command as a person typed it. */
    public void sendLine(byte[] line) throws IOException {
        out.write(line);
        out.write(CRLF);
    }

    /** Sends a command and returns its reply. */
    public SmtpReply command(String command) throws IOException {
        send(command);
        return readReply();
    }

    /**
     * Buffers a whole message after the {@code 354} reply: dot-stuffed (RFC 5321 4.5.2),
     * a CRLF added when the data does not end with one, then the terminating {@code .} line.
     */
    public void sendData(byte[] data) throws IOException {
        sendData(data, 0, data.length);
    }

    /** {@link #sendData(byte[])} for {@code length} bytes of {@code data} from {@code offset}. */
    public void sendData(byte[] data, int offset, int length) throws IOException {
        DotStuffing.write(data, offset, length, out);
        out.write(END_OF_DATA);
    }

    /** Buffers one line of message data, typed without its line ending: dot-stuffed, then CRLF. */
    public void sendDataLine(byte[] line) throws IOException {
        if (line.length > 0 && line[0] == '.') {
            out.write('.');
        }
        out.write(line);
        out.write(CRLF);
    }

    /** Buffers the line holding only {@code .} that ends message data sent line by line. */
    public void endData() throws IOException {
        out.write(END_OF_DATA);
    }

    /** Sends everything buffered. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Sends everything buffered, then reads the next reply (see {@link SmtpReplyReader#read()}). */
    public SmtpReply readReply() throws IOException {
        out.flush();
        return replies.read();
    }

    /**
     * Goes on over TLS: after the server's {@code 220} to STARTTLS, or before the greeting
     * for implicit TLS. Returns what the handshake gave.
     *
     * @throws SmtpProtocolException when the server has sent more than its reply: bytes
     *                               sent in the clear must not pass for ones sent over TLS
     *                               (the reply-injection twin of CVE-2011-0411)
     * @throws TlsException          when the handshake failed
     */
    public TlsHandshake startTls(TlsLayer layer) throws IOException {
        if (replies.hasBufferedInput()) {
            throw new SmtpProtocolException("the server sent more than its reply before TLS began: refusing to go on,"
                    + " since what came in the clear may be an attacker's");
        }
        out.flush();
        TlsLayer.Secured secured = layer.secure(socket);
        socket = secured.socket();
        out = new BufferedOutputStream(secured.out(), BUFFER_SIZE);
        replies = new SmtpReplyReader(secured.in());
        tls = secured.handshake();
        return tls;
    }

    /** What the TLS handshake gave, or null while the session is in the clear. */
    public TlsHandshake tls() {
        return tls;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    public Socket socket() {
        return socket;
    }

    /** Closes the socket without a QUIT; what is still buffered is dropped. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
