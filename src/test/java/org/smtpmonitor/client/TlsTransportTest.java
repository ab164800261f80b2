package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestCertificate;

/**
 * The benchmark's TLS transport against the JDK's own TLS server socket, non-blocking as the
 * event loop drives it: the two states TLS adds to a channel, bytes decrypted ahead of the
 * socket and records waiting for it, must lose nothing.
 */
class TlsTransportTest {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path directory;
    private SSLServerSocket listener;
    private TestCertificate certificate;

    @BeforeEach
    void listen() throws Exception {
        certificate = TestCertificate.create(directory, "server", TestCertificate.LOCALHOST);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate.pkcs12("test"))) {
            store.load(in, "test".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "test".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    /** A transport connected to the listener, its handshake done (blocking), then non-blocking. */
    private TlsTransport connect(Selector selector) throws Exception {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                listener.getLocalPort()));
        channel.socket().setSoTimeout(20_000);
        TlsClient client = new TlsClient(ServerTrust.caFile(certificate.certificate()));
        TlsTransport transport = new TlsTransport(channel, client.engine("127.0.0.1", listener.getLocalPort()));
        TlsHandshake handshake = transport.handshake("127.0.0.1", listener.getLocalPort());
        assertEquals("CN=localhost", handshake.certificateSubject());
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        return transport;
    }

    @Test
    void recordsDecryptedAheadOfTheSocketAreReadWithoutItAnnouncingThemAgain() throws Exception {
        int lines = 3000;
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                OutputStream out = socket.getOutputStream();
                for (int i = 1; i <= lines; i++) {
                    // One record a line: far more records than one read of the socket needs.
                    out.write(String.format("250 line %05d\r\n", i).getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                socket.getInputStream().read(); // stays until the client has read all and closes
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Selector selector = Selector.open()) {
            TlsTransport transport = connect(selector);
            ByteBuffer small = ByteBuffer.allocate(64);
            StringBuilder received = new StringBuilder();
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (received.length() < lines * 16 && System.nanoTime() < deadline) {
                // As BenchLoop: wait for the socket, then read while the transport has more.
                selector.select(100);
                selector.selectedKeys().clear();
                do {
                    small.clear();
                    int n = transport.read(small);
                    if (n > 0) {
                        received.append(new String(small.array(), 0, n, StandardCharsets.US_ASCII));
                    }
                } while (transport.bufferedInput());
            }
            assertEquals(lines * 16, received.length(), "every line, none lost waiting for the socket");
            assertTrue(received.toString().endsWith(String.format("250 line %05d\r\n", lines)));
            transport.close();
        }
        server.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aWriteTheSocketCannotTakeAtOnceGoesOnWhenItCanAndArrivesWhole() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(data);
        CountDownLatch clientWaits = new CountDownLatch(1);
        listener.setReceiveBufferSize(64 * 1024);
        CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                socket.startHandshake();
                // Read nothing until the client has found the socket full.
                clientWaits.await(20, TimeUnit.SECONDS);
                return socket.getInputStream().readNBytes(data.length);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Selector selector = Selector.open()) {
            TlsTransport transport = connect(selector);
            ByteBuffer[] sources = {ByteBuffer.wrap(data, 0, data.length / 2),
                    ByteBuffer.wrap(data, data.length / 2, data.length - data.length / 2)};
            transport.channel().socket().setSendBufferSize(64 * 1024);
            transport.write(sources, 0, 2);
            boolean waited = sources[1].hasRemaining() || transport.pendingOutput();
            clientWaits.countDown();
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            SelectionKey key = transport.channel().keyFor(selector);
            while ((sources[1].hasRemaining() || transport.pendingOutput()) && System.nanoTime() < deadline) {
                key.interestOps(SelectionKey.OP_WRITE);
                selector.select(100);
                selector.selectedKeys().clear();
                transport.write(sources, 0, 2);
            }
            assertTrue(waited, "8 MB should not fit the socket at once, or this test tests nothing");
            byte[] arrived = server.get(20, TimeUnit.SECONDS);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertArrayEquals(sha.digest(data), sha.digest(arrived));
            transport.close();
        }
    }
}
