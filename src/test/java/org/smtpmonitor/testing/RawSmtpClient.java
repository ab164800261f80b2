package org.smtpmonitor.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A test-only SMTP client over a raw socket: it sends exactly the bytes a test gives it
 * and reads replies line by line, so tests can send what no well-behaved client would
 * (bare LFs, over-long lines, pipelined commands, half a message). Every read waits at
 * most {@link #READ_TIMEOUT_MILLIS}, so a server that does not answer fails the test
 * instead of hanging it.
 */
public final class RawSmtpClient implements AutoCloseable {

    public static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawSmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects without reading the greeting. */
    public static RawSmtpClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return new RawSmtpClient(socket);
    }

    /** Connects and checks the 220 greeting. */
    public static RawSmtpClient connectGreeted(InetSocketAddress address) throws IOException {
        RawSmtpClient client = connect(address);
        String greeting = client.readReply();
        if (!greeting.startsWith("220 ")) {
            client.close();
            throw new AssertionError("expected a 220 greeting, got: " + greeting);
        }
        return client;
    }

    public Socket socket() {
        return socket;
    }

    /** Sends these bytes as they are, in one write. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends this text (ISO-8859-1, so each char is one byte) as it is: no line ending is added. */
    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends one command line with CRLF and returns the reply to it. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return readReply();
    }

    /**
     * Reads one whole reply: its lines (without CRLF) joined by {@code \n}, up to the line
     * whose code is followed by a blank (RFC 5321 4.2.1).
     */
    public String readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new AssertionError("the server closed the connection; reply so far: " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    /** The three-digit code of the next reply. */
    public int readCode() throws IOException {
        return Integer.parseInt(readReply().substring(0, 3));
    }

    /** Sends one command line and returns the code of the reply to it. */
    public int readCodeOf(String line) throws IOException {
        return Integer.parseInt(command(line).substring(0, 3));
    }

    /** Reads one line ending in CRLF, without it; {@code null} at end of stream. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    if (!text.endsWith("\r")) {
                        throw new AssertionError("reply line not ended by CRLF: " + text);
                    }
                    return text.substring(0, text.length() - 1);
                }
                line.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply within " + READ_TIMEOUT_MILLIS + " ms; read so far: "
                    + line.toString(StandardCharsets.ISO_8859_1), e);
        }
    }

    /**
     * Waits until the server closes the connection, failing if it sends anything more
     * first or keeps it open past the read timeout.
     */
    public void assertClosedByServer() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                byte[] rest = in.readNBytes(Math.min(in.available(), 200));
                throw new AssertionError("expected the server to close the connection, but it sent: "
                        + (char) b + new String(rest, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + READ_TIMEOUT_MILLIS + " ms", e);
        } catch (SocketException e) {
            // A reset is a close too.
        }
    }

    /** As {@link #sendMessage(String, List, byte[])}, for text of ISO-8859-1 characters. */
    public String sendMessage(String sender, List<String> recipients, String data) throws IOException {
        return sendMessage(sender, recipients, data.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * MAIL, RCPT for each recipient, DATA, then {@code data} followed by {@code .} CRLF;
     * returns the reply to the end of data. {@code data} must be empty or end in CRLF (or
     * the dot is content), and is sent as it is: dot-stuffing is the caller's business.
     * The session must have said HELO/EHLO already.
     */
    public String sendMessage(String sender, List<String> recipients, byte[] data) throws IOException {
        expect("250 OK", command("MAIL FROM:<" + sender + ">"));
        for (String recipient : recipients) {
            expect("250 OK", command("RCPT TO:<" + recipient + ">"));
        }
        expect("354 Start mail input; end with <CRLF>.<CRLF>", command("DATA"));
        send(data);
        send(".\r\n");
        return readReply();
    }

    /**
     * One transaction to one recipient of {@code text} written with {@code \n} line ends, as
     * tests write messages: each becomes CRLF, and a CRLF ends the text before the dot.
     * Returns the reply to the end of data.
     */
    public String mail(String sender, String recipient, String text) throws IOException {
        return sendMessage(sender, List.of(recipient), text.replace("\n", "\r\n") + "\r\n");
    }

    private static void expect(String wanted, String reply) {
        if (!wanted.equals(reply)) {
            throw new AssertionError("expected '" + wanted + "', got '" + reply + "'");
        }
    }

    /**
     * After the server's 220 to STARTTLS: the TLS handshake over this connection, trusting
     * what {@code context} trusts and naming {@code serverName} (SNI, and the name checked
     * in the certificate; null for neither). Fails if the server sent anything in the clear
     * after its 220. The client returned speaks over TLS; this one must not be used again.
     */
    public RawSmtpClient startTls(SSLContext context, String serverName) throws IOException {
        if (in.available() > 0) {
            byte[] clear = in.readNBytes(in.available());
            throw new AssertionError("the server sent " + clear.length + " bytes in the clear after its 220: "
                    + new String(clear, StandardCharsets.ISO_8859_1));
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                serverName != null ? serverName : socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.setSoTimeout(READ_TIMEOUT_MILLIS);
        if (serverName != null) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
        }
        tls.startHandshake();
        return new RawSmtpClient(tls);
    }

    /** Connects to an implicit-TLS port and does the handshake, without reading the greeting (see {@link #startTls}). */
    public static RawSmtpClient connectTls(InetSocketAddress address, SSLContext context, String serverName)
            throws IOException {
        return connect(address).startTls(context, serverName);
    }

    /** Shuts down the output only (the client has nothing more to say but still listens). */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
