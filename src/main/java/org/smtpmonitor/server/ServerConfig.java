package org.smtpmonitor.server;

import java.net.InetAddress;
import java.time.Duration;

import org.smtpmonitor.smtp.SmtpConfig;

/**
 * How the server listens and what it allows.
 *
 * @param bindAddress    the local address to listen on (127.0.0.1 unless told otherwise)
 * @param port           the TCP port; 0 picks a free one
 * @param maxConnections sessions served at once; one more gets a 421
 * @param idleTimeout    the time a client has to complete each command, counted from the reply to the
 *                       one before (RFC 5321 4.5.3.2.7), and to send each 64 KiB of message data; past
 *                       it, a 421
 * @param smtp           what each session needs to know
 * @param maxMemory      the most bytes of message data held in memory at once, by all
 *                       sessions together; past it a message gets a 452 (see {@link MemoryBudget})
 * @param tls            STARTTLS and implicit TLS; null for a server without TLS (then
 *                       {@link SmtpConfig#startTls()} must be false)
 */
public record ServerConfig(InetAddress bindAddress, int port, int maxConnections, Duration idleTimeout,
                           SmtpConfig smtp, long maxMemory, TlsConfig tls) {

    public static final int DEFAULT_PORT = 12000;
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    /** RFC 5321 4.5.3.1.4 allows 512; we allow longer lines, as most servers do. */
    public static final int MAX_COMMAND_LINE = 1000;

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("at least one connection must be allowed");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive");
        }
        long needed = minimumMaxMemory(smtp.maxMessageSize(), maxConnections);
        if (maxMemory < needed) {
            throw new IllegalArgumentException("a memory budget of " + maxMemory + " bytes is too small: a message of "
                    + smtp.maxMessageSize() + " bytes beside " + (maxConnections - 1) + " other sessions needs " + needed);
        }
        if (smtp.startTls() != (tls != null)) {
            throw new IllegalArgumentException(tls == null ? "STARTTLS cannot be offered without TLS"
                    : "a server with TLS offers STARTTLS");
        }
        if (tls != null && tls.implicitPort() != 0 && tls.implicitPort() == port) {
            throw new IllegalArgumentException("the implicit-TLS port cannot be the SMTP port " + port);
        }
    }

    /** Without TLS. */
    public ServerConfig(InetAddress bindAddress, int port, int maxConnections, Duration idleTimeout, SmtpConfig smtp,
                        long maxMemory) {
        this(bindAddress, port, maxConnections, idleTimeout, smtp, maxMemory, null);
    }

    /** With the default memory budget for these limits. */
    public ServerConfig(InetAddress bindAddress, int port, int maxConnections, Duration idleTimeout, SmtpConfig smtp) {
        this(bindAddress, port, maxConnections, idleTimeout, smtp, defaultMaxMemory(smtp.maxMessageSize(), maxConnections));
    }

    /**
     * A quarter of the heap, the rest being left to everything else, but never less than
     * {@link #minimumMaxMemory}, so that a message of the largest size always fits.
     */
    public static long defaultMaxMemory(long maxMessageSize, int maxConnections) {
        return Math.max(Runtime.getRuntime().maxMemory() / 4, minimumMaxMemory(maxMessageSize, maxConnections));
    }

    /**
     * The smallest budget in which a message of {@code maxMessageSize} bytes always fits: what
     * it needs while it is received (more than its size: its buffer grows by doubling, and
     * old and new are held for a moment), beside the small buffer each other session may
     * keep between its messages.
     */
    public static long minimumMaxMemory(long maxMessageSize, int maxConnections) {
        return SmtpDecoder.peakMemory(maxMessageSize) + (maxConnections - 1L) * SmtpDecoder.keptMemory(maxMessageSize);
    }
}
