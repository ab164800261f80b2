package org.smtpmonitor.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One session's SMTP AUTH (RFC 4954): whether it is offered, the exchange under way, who
 * the session authenticated as, and how many times it failed. Each failure's reply is held
 * back longer than the one before ({@link AuthPolicy#delayAfter}); the last one allowed closes
 * the session. What the client sends in an exchange never leaves this class but as the
 * user name of a success.
 */
final class Authentication {

    static final Reply SUCCESS = Reply.of(235, "2.7.0 Authentication successful");
    static final Reply INVALID = Reply.of(535, "5.7.8 Authentication credentials invalid");
    static final Reply REQUIRED = Reply.of(530, "5.7.0 Authentication required");
    static final Reply ENCRYPTION_REQUIRED =
            Reply.of(538, "5.7.11 Encryption required for requested authentication mechanism");
    static final Reply NOT_OFFERED = Reply.of(502, "5.5.1 Authentication is not offered by this server");
    static final Reply NEED_EHLO = Reply.of(503, "5.5.1 Bad sequence of commands: send EHLO first");
    static final Reply ALREADY = Reply.of(503, "5.5.1 Bad sequence of commands: already authenticated");
    static final Reply IN_TRANSACTION =
            Reply.of(503, "5.5.1 Bad sequence of commands: AUTH is not permitted during a mail transaction");
    static final Reply SYNTAX = Reply.of(501, "5.5.4 Syntax: AUTH mechanism [initial-response]");
    static final Reply UNKNOWN_MECHANISM = Reply.of(504, "5.5.4 Unrecognized authentication type");
    static final Reply NO_INITIAL_RESPONSE = Reply.of(501, "5.5.4 CRAM-MD5 takes no initial response");
    static final Reply CANNOT_DECODE = Reply.of(501, "5.5.2 Cannot decode response");
    static final Reply CANCELLED = Reply.of(501, "5.0.0 Authentication cancelled");
    static final Reply RESPONSE_TOO_LONG = Reply.of(500, "5.5.6 Authentication Exchange line is too long");

    /** What EHLO lists: every mechanism we take, PLAIN first (RFC 4616's mandatory one). */
    static final String EHLO_LINE = "AUTH PLAIN LOGIN CRAM-MD5";
    /** What the transcript shows for a response of the exchange, or an AUTH command's initial response. */
    static final String MASK = "****";

    private final AuthPolicy policy;
    private final MessageStore store;
    private final String domain;
    private AuthExchange exchange;
    private AuthInfo info;
    private int failures;

    Authentication(AuthPolicy policy, MessageStore store, String domain) {
        this.policy = policy;
        this.store = store;
        this.domain = domain;
    }

    /** Whether EHLO lists AUTH: only over TLS, unless the policy allows it in the clear. */
    boolean offered(boolean tls) {
        return policy.mode() != AuthMode.OFF && (tls || policy.allowInsecure());
    }

    /** Who the session authenticated as, or null. */
    AuthInfo info() {
        return info;
    }

    /** True when MAIL must be refused with {@link #REQUIRED}. */
    boolean mailRefused() {
        return policy.required() && info == null;
    }

    /** True while the next line is a response to a 334 challenge, not a command. */
    boolean awaitsResponse() {
        return exchange != null;
    }

    /** TLS began: what was learnt before it is forgotten (RFC 3207 4.2); failures still count. */
    void reset() {
        exchange = null;
        info = null;
    }

    /** The AUTH command, with its argument ({@code mechanism [initial-response]}). */
    Step command(String argument, boolean tls, boolean greeted, boolean inTransaction) {
        if (policy.mode() == AuthMode.OFF) {
            return Step.reply(NOT_OFFERED);
        }
        String[] words = argument.strip().split(" +");
        if (words.length > 2 || words[0].isEmpty()) {
            return Step.reply(SYNTAX);
        }
        if (!greeted) {
            return Step.reply(NEED_EHLO);
        }
        if (info != null) {
            return Step.reply(ALREADY);
        }
        if (inTransaction) {
            return Step.reply(IN_TRANSACTION);
        }
        AuthExchange.Mechanism mechanism = AuthExchange.Mechanism.named(words[0]);
        if (mechanism == null) {
            return Step.reply(UNKNOWN_MECHANISM);
        }
        if (!offered(tls)) {
            return Step.reply(ENCRYPTION_REQUIRED);
        }
        byte[] initial = null;
        if (words.length == 2) {
            if (!mechanism.takesInitialResponse()) {
                return Step.reply(NO_INITIAL_RESPONSE);
            }
            // RFC 4954 4: "=" is an initial response of no bytes.
            initial = words[1].equals("=") ? new byte[0] : decode(words[1]);
            if (initial == null) {
                return Step.reply(CANNOT_DECODE);
            }
        }
        exchange = new AuthExchange(mechanism, domain);
        return next(exchange.begin(initial));
    }

    /** A line sent in answer to a 334 challenge. */
    Step response(String line) {
        if (line.equals("*")) {
            exchange = null;
            return Step.reply(CANCELLED);
        }
        byte[] response = decode(line);
        if (response == null) {
            exchange = null;
            return Step.reply(CANNOT_DECODE);
        }
        return next(exchange.respond(response));
    }

    /** A response over the line limit (RFC 4954 6): the exchange is over, and nothing of the line was kept. */
    Reply responseTooLong() {
        exchange = null;
        return RESPONSE_TOO_LONG;
    }

    private Step next(AuthExchange.Result result) {
        if (result instanceof AuthExchange.Challenge challenge) {
            return Step.authChallenge(Reply.of(334, Base64.getEncoder().encodeToString(challenge.data())));
        }
        String mechanism = exchange.mechanism().saslName;
        exchange = null;
        if (result instanceof AuthExchange.Credentials credentials) {
            String user = check(credentials);
            if (user != null) {
                info = new AuthInfo(mechanism, user);
                return Step.authenticated(SUCCESS, info);
            }
            failures++;
            if (failures >= policy.maxFailures()) {
                return Step.authFailed(Reply.of(421, "4.7.0 " + domain
                        + " Too many failed authentication attempts, closing transmission channel"),
                        policy.delayAfter(failures), true);
            }
            return Step.authFailed(INVALID, policy.delayAfter(failures), false);
        }
        return Step.reply(CANNOT_DECODE);
    }

    /**
     * The user the credentials authenticate, or null. Under ANY, any user name but an empty
     * one; under USERS, a user of the users file that has a password, and that password. Acting
     * for another user (PLAIN's authzid) is not supported.
     */
    private String check(AuthExchange.Credentials credentials) {
        String user = credentials.user();
        if (user.isEmpty() || !(credentials.authorizeAs().isEmpty() || credentials.authorizeAs().equalsIgnoreCase(user))) {
            return null;
        }
        if (policy.mode() == AuthMode.ANY) {
            return user;
        }
        String found = store.findUser(user);
        String password = found == null ? null : store.passwordOf(found);
        return password != null && credentials.proof().matches(password) ? found : null;
    }

    /** Strict base64 (RFC 4648, padding optional), or null. */
    private static byte[] decode(String text) {
        try {
            return Base64.getDecoder().decode(text.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * How a client's line is shown in a transcript: a response of an exchange as {@link #MASK};
     * an AUTH command as its mechanism (when it is one we know) and {@link #MASK} for anything
     * after it, since a client may well send a secret where the mechanism should be.
     */
    String shown(String line) {
        if (exchange != null) {
            return MASK;
        }
        String command = line.stripLeading();
        if (command.length() < 4 || !command.regionMatches(true, 0, "AUTH", 0, 4)
                || (command.length() > 4 && !Character.isWhitespace(command.charAt(4)))) {
            return line;
        }
        String[] words = command.substring(4).strip().split("\\s+", 2);
        if (words[0].isEmpty()) {
            return line;
        }
        AuthExchange.Mechanism mechanism = AuthExchange.Mechanism.named(words[0]);
        if (mechanism == null) {
            return "AUTH " + MASK;
        }
        return words.length == 1 ? "AUTH " + mechanism.saslName : "AUTH " + mechanism.saslName + " " + MASK;
    }
}
