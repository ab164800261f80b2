package org.smtpmonitor.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;

/**
 * A real SMTP server with STARTTLS, implicit TLS and AUTH, for the tests of our clients'
 * TLS and AUTH. Which server is a test parameter ({@link #all()}): today aiosmtpd, an
 * independent implementation; our own server can join once it speaks TLS.
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
        return Stream.of(Named.of("aiosmtpd", AiosmtpdServer::start));
    }

    /** Its port on 127.0.0.1. */
    int port();

    /** Every message received so far, in the order received, as the server holds it (dot-unstuffed). */
    List<Received> received() throws IOException;

    /** Stops it; what it received stays readable. */
    @Override
    void close();
}
