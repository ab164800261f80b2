package org.smtpmonitor.client;

import java.io.IOException;
import java.util.List;

/**
 * The start of a session, before any mail: the greeting, EHLO (HELO if refused, when
 * neither TLS nor AUTH is asked for), and as {@link Security} says STARTTLS (RFC 3207: then
 * EHLO again, as the server forgets what was said in the clear) and AUTH (RFC 4954).
 *
 * <p>A refusal, or a server without what was asked, ends the session with QUIT and a
 * {@link SessionRefused} saying why. What is said can be watched through a {@link Transcript},
 * which never sees a credential.
 */
public final class SessionSetup {

    /** What the session says, as a person may see it. */
    public interface Transcript {
        Transcript NONE = new Transcript() { };

        /** A command sent; a credential in it is {@code ****}. */
        default void sent(String shownCommand) {
        }

        default void received(SmtpReply reply) {
        }

        default void secured(TlsHandshake handshake) {
        }

        default void authenticated(String user, AuthMechanism mechanism, SmtpReply reply) {
        }
    }

    /**
     * A session ready for mail.
     *
     * @param extended      whether EHLO was accepted (else HELO was)
     * @param authenticated the mechanism that authenticated, or null
     */
    public record Ready(SmtpReply greeting, SmtpReply hello, boolean extended, EhloExtensions extensions,
                        AuthMechanism authenticated) {
    }

    private final String heloName;
    private final Security security;
    private final TlsLayer startTls;
    private final Transcript transcript;

    /** @param startTls the layer for STARTTLS; used only when {@code security} asks for it */
    public SessionSetup(String heloName, Security security, TlsLayer startTls, Transcript transcript) {
        if (security.mode() == TlsMode.STARTTLS && startTls == null) {
            throw new IllegalArgumentException("STARTTLS needs a TLS layer");
        }
        this.heloName = heloName;
        this.security = security;
        this.startTls = startTls;
        this.transcript = transcript;
    }

    /**
     * Runs the start of the session on {@code connection}, which may already be over TLS
     * (implicit TLS), and leaves it ready for MAIL.
     *
     * @throws SessionRefused when the server refused, or lacks what was asked (QUIT was sent)
     * @throws TlsException   when the STARTTLS handshake failed
     * @throws IOException    when the connection failed
     */
    public Ready run(SmtpConnection connection) throws IOException {
        SmtpReply greeting = read(connection);
        if (!greeting.isPositiveCompletion()) {
            throw refused(connection, "the server refused the session: " + greeting.summary());
        }
        boolean needsEhlo = security.mode() == TlsMode.STARTTLS || security.authenticates();
        SmtpReply hello = command(connection, "EHLO " + heloName);
        if (!hello.isPositiveCompletion()) {
            if (needsEhlo) {
                throw refused(connection, "the server refused EHLO, so it offers neither STARTTLS nor AUTH: "
                        + hello.summary());
            }
            hello = command(connection, "HELO " + heloName);
            if (!hello.isPositiveCompletion()) {
                throw refused(connection, "the server refused HELO " + heloName + ": " + hello.summary());
            }
            return new Ready(greeting, hello, false, EhloExtensions.NONE, null);
        }
        EhloExtensions extensions = EhloExtensions.of(hello);
        if (security.mode() == TlsMode.STARTTLS) {
            hello = startTls(connection, extensions);
            extensions = EhloExtensions.of(hello);
        }
        AuthMechanism authenticated = security.authenticates() ? authenticate(connection, extensions) : null;
        return new Ready(greeting, hello, true, extensions, authenticated);
    }

    /** STARTTLS, the handshake, and EHLO again; returns the new EHLO reply. */
    private SmtpReply startTls(SmtpConnection connection, EhloExtensions extensions) throws IOException {
        if (!extensions.has("STARTTLS")) {
            throw refused(connection, "the server does not offer STARTTLS (its EHLO lists: " + extensions.keywords() + ")");
        }
        SmtpReply ready = command(connection, "STARTTLS");
        if (ready.code() != 220) {
            throw refused(connection, "the server refused STARTTLS: " + ready.summary());
        }
        transcript.secured(connection.startTls(startTls));
        SmtpReply hello = command(connection, "EHLO " + heloName);
        if (!hello.isPositiveCompletion()) {
            throw refused(connection, "the server refused EHLO after STARTTLS: " + hello.summary());
        }
        return hello;
    }

    private AuthMechanism authenticate(SmtpConnection connection, EhloExtensions extensions) throws IOException {
        Credentials credentials = security.credentials();
        List<String> offered = extensions.parametersOf("AUTH");
        if (offered.isEmpty()) {
            throw refused(connection, "the server does not offer AUTH" + (connection.tls() == null
                    ? " in the clear (servers often offer it only over TLS: try --starttls or --tls)"
                    : " (its EHLO lists: " + extensions.keywords() + ")"));
        }
        AuthMechanism mechanism = security.mechanism() != null ? security.mechanism() : AuthMechanism.preferred(offered);
        if (mechanism == null || !offered.contains(mechanism.wireName())) {
            throw refused(connection, "the server does not offer AUTH " + (mechanism == null
                    ? "with a mechanism this client speaks (CRAM-MD5, PLAIN, LOGIN)" : mechanism.wireName())
                    + "; it offers " + String.join(" ", offered));
        }
        AuthExchange exchange = new AuthExchange(mechanism, credentials);
        SmtpReply reply = command(connection, exchange.command(), exchange.shownCommand());
        while (reply.code() == 334) {
            String response;
            try {
                response = exchange.respond(reply.texts().get(0));
            } catch (SmtpProtocolException e) {
                command(connection, "*", "*"); // cancels the exchange (RFC 4954 4)
                throw refused(connection, "authentication as " + credentials.user() + " (" + mechanism + ") failed: "
                        + e.getMessage());
            }
            reply = command(connection, response, AuthExchange.SHOWN_RESPONSE);
        }
        if (reply.code() != 235) {
            throw refused(connection, "authentication as " + credentials.user() + " (" + mechanism + ") failed: "
                    + reply.summary());
        }
        transcript.authenticated(credentials.user(), mechanism, reply);
        return mechanism;
    }

    private SmtpReply read(SmtpConnection connection) throws IOException {
        SmtpReply reply = connection.readReply();
        transcript.received(reply);
        return reply;
    }

    private SmtpReply command(SmtpConnection connection, String command) throws IOException {
        return command(connection, command, command);
    }

    private SmtpReply command(SmtpConnection connection, String command, String shown) throws IOException {
        transcript.sent(shown);
        connection.send(command);
        return read(connection);
    }

    /** Ends the session with QUIT (its reply matters to no one now) and says why. */
    private static SessionRefused refused(SmtpConnection connection, String why) {
        try {
            connection.command("QUIT");
        } catch (IOException ignored) {
            // The refusal is what the person needs to hear; a server gone early changes nothing.
        }
        return new SessionRefused(why);
    }
}
