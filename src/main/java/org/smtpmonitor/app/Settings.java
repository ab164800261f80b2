package org.smtpmonitor.app;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.mailbox.UsersFile;
import org.smtpmonitor.server.ServerConfig;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.server.TlsConfig;
import org.smtpmonitor.smtp.SmtpConfig;

/**
 * Everything a user can set on the command line, but the users file: shared by the
 * headless mode and the window.
 *
 * @param maxMemory the most bytes of message data held in memory at once (see
 *                  {@link ServerConfig#maxMemory()})
 * @param index     whether the message index is kept ({@code --no-index} turns it off, to
 *                  measure what it costs a delivery): without it mail is stored as usual,
 *                  but cannot be listed or searched
 * @param tls       STARTTLS, implicit TLS and the certificate
 * @param auth      whether SMTP AUTH is offered, and how ({@code --auth}, {@code --require-auth},
 *                  {@code --allow-insecure-auth})
 * @param rulesFile the scripted failures ({@code --rules FILE}); null for none
 * @param catchAll  every address of every domain is accepted ({@code --catch-all}), each into
 *                  a mailbox of its own made on its first delivery; a listed user keeps its own
 * @param http      the HTTP API ({@code --http-port}, {@code --http-token}); off by default
 */
public record Settings(InetAddress bindAddress, int port, Path mailboxDirectory, MailboxFormat format,
                       String defaultDomain, long maxMessageSize, int maxConnections, Duration idleTimeout,
                       boolean requireHeloDomain, long maxMemory, boolean index, TlsSettings tls, AuthPolicy auth,
                       Path rulesFile, boolean catchAll, HttpSettings http) {

    public Settings {
        tls = tls == null ? TlsSettings.defaults() : tls;
        auth = auth == null ? AuthPolicy.OFF : auth;
        http = http == null ? HttpSettings.OFF : http;
    }

    /** Without the HTTP API. */
    public Settings(InetAddress bindAddress, int port, Path mailboxDirectory, MailboxFormat format,
                    String defaultDomain, long maxMessageSize, int maxConnections, Duration idleTimeout,
                    boolean requireHeloDomain, long maxMemory, boolean index, TlsSettings tls, AuthPolicy auth,
                    Path rulesFile, boolean catchAll) {
        this(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize, maxConnections, idleTimeout,
                requireHeloDomain, maxMemory, index, tls, auth, rulesFile, catchAll, HttpSettings.OFF);
    }

    /** Without a rules file or a catch-all. */
    public Settings(InetAddress bindAddress, int port, Path mailboxDirectory, MailboxFormat format,
                    String defaultDomain, long maxMessageSize, int maxConnections, Duration idleTimeout,
                    boolean requireHeloDomain, long maxMemory, boolean index, TlsSettings tls, AuthPolicy auth) {
        this(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize, maxConnections, idleTimeout,
                requireHeloDomain, maxMemory, index, tls, auth, null, false);
    }

    /** With the default TLS (STARTTLS with a self-signed certificate) and without SMTP AUTH. */
    public Settings(InetAddress bindAddress, int port, Path mailboxDirectory, MailboxFormat format,
                    String defaultDomain, long maxMessageSize, int maxConnections, Duration idleTimeout,
                    boolean requireHeloDomain, long maxMemory, boolean index) {
        this(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize, maxConnections, idleTimeout,
                requireHeloDomain, maxMemory, index, TlsSettings.defaults(), AuthPolicy.OFF);
    }

    /** With the message index. */
    public Settings(InetAddress bindAddress, int port, Path mailboxDirectory, MailboxFormat format,
                    String defaultDomain, long maxMessageSize, int maxConnections, Duration idleTimeout,
                    boolean requireHeloDomain, long maxMemory) {
        this(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize, maxConnections, idleTimeout,
                requireHeloDomain, maxMemory, true);
    }

    public static final int DEFAULT_PORT = ServerConfig.DEFAULT_PORT;
    public static final int DEFAULT_MAX_CONNECTIONS = ServerConfig.DEFAULT_MAX_CONNECTIONS;
    public static final Duration DEFAULT_IDLE_TIMEOUT = ServerConfig.DEFAULT_IDLE_TIMEOUT;

    /** With the default memory budget for {@code maxMessageSize} and {@code maxConnections}. */
    public Settings(InetAddress bindAddress, int port, Path mailboxDirectory, MailboxFormat format,
                    String defaultDomain, long maxMessageSize, int maxConnections, Duration idleTimeout,
                    boolean requireHeloDomain) {
        this(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize, maxConnections, idleTimeout,
                requireHeloDomain, ServerConfig.defaultMaxMemory(maxMessageSize, maxConnections));
    }

    public static Settings defaults() {
        return new Settings(InetAddress.getLoopbackAddress(), ServerConfig.DEFAULT_PORT, Path.of(""),
                MailboxFormat.RAW, "localhost", SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE,
                ServerConfig.DEFAULT_MAX_CONNECTIONS, ServerConfig.DEFAULT_IDLE_TIMEOUT, false);
    }

    /**
     * The mailbox format called {@code name}: {@code raw} or {@code mbox}, in any case.
     *
     * @throws IllegalArgumentException for any other name, saying so
     */
    public static MailboxFormat formatNamed(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "raw" -> MailboxFormat.RAW;
            case "mbox" -> MailboxFormat.MBOX;
            default -> throw new IllegalArgumentException("'" + name + "' is not raw or mbox");
        };
    }

    /** Why {@code domain} cannot be the domain of users written as bare names, or null when it can. */
    public static String checkDomain(String domain) {
        return UsersFile.checkDomain(domain);
    }

    /** See {@link ServerConfig#defaultMaxMemory(long, int)}. */
    public static long defaultMaxMemory(long maxMessageSize, int maxConnections) {
        return ServerConfig.defaultMaxMemory(maxMessageSize, maxConnections);
    }

    /** See {@link ServerConfig#minimumMaxMemory(long, int)}. */
    public static long minimumMaxMemory(long maxMessageSize, int maxConnections) {
        return ServerConfig.minimumMaxMemory(maxMessageSize, maxConnections);
    }

    public Settings withPort(int newPort) {
        return new Settings(bindAddress, newPort, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, tls, auth, rulesFile, catchAll, http);
    }

    public Settings withMailboxDirectory(Path directory) {
        return new Settings(bindAddress, port, directory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, tls, auth, rulesFile, catchAll, http);
    }

    public Settings withMaxMemory(long bytes) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, bytes, index, tls, auth, rulesFile, catchAll, http);
    }

    public Settings withIndex(boolean kept) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, kept, tls, auth, rulesFile, catchAll, http);
    }

    public Settings withAuth(AuthPolicy policy) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, tls, policy, rulesFile, catchAll, http);
    }

    /** With the scripted failures of {@code file} ({@code --rules}); null for none. */
    public Settings withRulesFile(Path file) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, tls, auth, file, catchAll, http);
    }

    public Settings withTls(TlsSettings newTls) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, newTls, auth, rulesFile, catchAll, http);
    }

    /** With or without {@code --catch-all}. */
    public Settings withCatchAll(boolean everyAddress) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, tls, auth, rulesFile, everyAddress, http);
    }

    /** With the HTTP API set as {@code newHttp} says. */
    public Settings withHttp(HttpSettings newHttp) {
        return new Settings(bindAddress, port, mailboxDirectory, format, defaultDomain, maxMessageSize,
                maxConnections, idleTimeout, requireHeloDomain, maxMemory, index, tls, auth, rulesFile, catchAll, newHttp);
    }

    /** The server configuration for users whose first domain is {@code serverDomain}, without TLS. */
    public ServerConfig serverConfig(String serverDomain) {
        return serverConfig(serverDomain, null);
    }

    /** The server configuration for users whose first domain is {@code serverDomain}, with {@code tlsConfig} (or none if null). */
    public ServerConfig serverConfig(String serverDomain, TlsConfig tlsConfig) {
        boolean startTls = tlsConfig != null;
        SmtpConfig smtp = new SmtpConfig(serverDomain, maxMessageSize, SmtpConfig.DEFAULT_MAX_RECIPIENTS,
                requireHeloDomain, startTls, startTls && tls.required(), auth);
        return new ServerConfig(bindAddress, port, maxConnections, idleTimeout, smtp, maxMemory, tlsConfig);
    }
}
