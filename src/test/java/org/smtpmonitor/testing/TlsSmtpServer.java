package org.smtpmonitor.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;

/**
 * A real SMTP server with STARTTLS, implicit TLS and AUTH, for the tests of our clients'
 * TLS and AUTH. Which server is a test parameter ({@link #all()}): aiosmtpd, an independent
 * implementation, and our own, so that our clients and our server are each checked against
 * the other and against someone else's.
 */
public interface TlsSmtpServer extends AutoCloseable {

    /** How the server starts its sessions. */
    enum Mode { PLAIN, STARTTLS, IMPLICIT }

    /** A message as the server received it, and how its session was secured. */
    record Received(byte[] data, String tlsProtocol, String authenticatedUser) {
    }

    /**
     * Starts a server in {@code directory} with this certificate, accepting AUTH from these
     * users (name to password; none: no AUTH offered), and waits until it listens.
     */
    @FunctionalInterface
    interface Factory {
        TlsSmtpServer start(Path directory, Mode mode, TestCertificate certificate, Map<String, String> users)
                throws Exception;
    }

    /** The servers every TLS client test runs against. */
    static Stream<Named<Factory>> all() {
        return Stream.of(Named.of("aiosmtpd", AiosmtpdServer::start),
                Named.of("smtp-monitor", SmtpMonitorTlsServer::start));
    }

    /** Its port on 127.0.0.1. */
    int port();

    /** Whether it offers PIPELINING (RFC 2920), so that a client may send MAIL, RCPT and DATA in one write. */
    boolean offersPipelining();

    /** Every message received so far, in the order received, as the server holds it (dot-unstuffed). */
    List<Received> received() throws IOException;

    /** Stops it; what it received stays readable. */
    @Override
    void close();
}
