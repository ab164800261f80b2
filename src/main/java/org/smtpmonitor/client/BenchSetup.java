package org.smtpmonitor.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * One benchmark connection made ready before the clock starts, blocking: connected,
 * greeted, EHLO'd, and as {@link Security} says secured (TLS with an
 * {@link javax.net.ssl.SSLEngine} that the event loop then drives: {@link TlsTransport}) and authenticated, with
 * the same {@link SessionSetup} as {@code send}.
 */
final class BenchSetup {

    /** A connection ready for the run. */
    record Ready(BenchTransport transport, String greeting, boolean pipelining, TlsHandshake tls) {
    }

    private final LoadGenerator.Options options;
    private final int number;
    private SocketChannel channel;
    private TlsTransport tls;

    private BenchSetup(LoadGenerator.Options options, int number) {
        this.options = options;
        this.number = number;
    }

    /** Connection {@code number} (from 1, for messages), ready; on failure nothing is left open. */
    static Ready open(LoadGenerator.Options options, int number) throws LoadGenerator.SetupException {
        BenchSetup setup = new BenchSetup(options, number);
        try {
            return setup.run();
        } catch (LoadGenerator.SetupException | RuntimeException e) {
            setup.closeQuietly(e);
            throw e;
        }
    }

    private Ready run() throws LoadGenerator.SetupException {
        Socket socket = connect();
        Security security = options.security();
        try {
            SmtpConnection connection = new SmtpConnection(socket);
            if (security.mode() == TlsMode.IMPLICIT) {
                connection.startTls(this::secure);
            }
            SessionSetup.Ready ready = new SessionSetup(heloName(), security, this::secure, SessionSetup.Transcript.NONE)
                    .run(connection);
            if (!ready.extended()) {
                throw new LoadGenerator.SetupException("connection " + number + ": the server refused EHLO", null);
            }
            BenchTransport transport = tls != null ? tls : BenchTransport.plain(channel);
            return new Ready(transport, ready.greeting().summary(), ready.extensions().has("PIPELINING"),
                    connection.tls());
        } catch (IOException e) {
            throw new LoadGenerator.SetupException("connection " + number + ": "
                    + ConnectionProblem.ofSession(e, options.timeout()), e);
        }
    }

    private Socket connect() throws LoadGenerator.SetupException {
        try {
            InetAddress address = InetAddress.getByName(options.host());
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, options.timeout().toMillis()));
            channel = SocketChannel.open();
            Socket socket = channel.socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address, options.port()), millis);
            socket.setSoTimeout(millis);
            return socket;
        } catch (IOException e) {
            throw new LoadGenerator.SetupException(ConnectionProblem.ofConnecting(e, options.host(), options.port(),
                    options.timeout()), e);
        }
    }

    /** The TLS layer: an engine over the channel, which the run goes on with. */
    private TlsLayer.Secured secure(Socket plain) throws IOException {
        TlsTransport transport = new TlsTransport(channel, options.security().tls().engine(options.host(), options.port()));
        TlsHandshake handshake = transport.handshake(options.host(), options.port());
        tls = transport;
        return new TlsLayer.Secured(plain, transport.inputStream(), transport.outputStream(), handshake);
    }

    /** The sender's domain, as send would say it. */
    private String heloName() {
        String from = options.from();
        int at = from.lastIndexOf('@');
        return at >= 0 && at < from.length() - 1 ? from.substring(at + 1) : "localhost";
    }

    private void closeQuietly(Exception failure) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }
}
