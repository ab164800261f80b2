package org.smtpmonitor.smtp;

import java.time.Duration;
import java.util.List;

/**
 * What the session answers to one input: the reply to send, what the connection does
 * next, and, after a message: its envelope with the stored copies, or why storing failed.
 *
 * <p>Made only through the named factories, one per kind of answer, so that no caller
 * has to fill in the parts that do not apply to it.
 */
public final class Step {

    /** What the connection does after sending the reply. */
    public enum Next {
        /** Read the next command line. */
        COMMAND,
        /** Read message data up to CRLF.CRLF, then call {@link SmtpSession#messageReceived}. */
        DATA,
        /** Close the connection. */
        CLOSE,
        /**
         * The reply is a 334 challenge of AUTH (RFC 4954): the next line is the client's response,
         * which goes to {@link SmtpSession#command} as any line does, but holds a secret: show it
         * as {@link SmtpSession#shown} says.
         */
        AUTH_RESPONSE,
        /**
         * Start TLS (RFC 3207) once the reply is sent: what the client sent after the
         * command is discarded, and the next bytes are its TLS handshake.
         */
        START_TLS,
        /**
         * Close the connection without a reply (a rule's {@code close = before}): the replies
         * before are sent, then the connection closes; {@link #reply()} is null.
         */
        DROP
    }

    private final Reply reply;
    private final Next next;
    private final Envelope envelope;
    private final List<StoredCopy> copies;
    private final String failure;
    private final Duration delay;
    private final AuthInfo authenticated;
    private final boolean authFailed;
    /** The scripted-failure rule that shaped this step; null for none. */
    private final Rule rule;
    private final boolean discarded;
    private final List<ClientCheck.Warning> warnings;

    private Step(Reply reply, Next next, Envelope envelope, List<StoredCopy> copies, String failure) {
        this(reply, next, envelope, copies, failure, Duration.ZERO, null, false);
    }

    private Step(Reply reply, Next next, Envelope envelope, List<StoredCopy> copies, String failure, Duration delay,
                 AuthInfo authenticated, boolean authFailed) {
        this(reply, next, envelope, copies, failure, delay, authenticated, authFailed, null, false);
    }

    private Step(Reply reply, Next next, Envelope envelope, List<StoredCopy> copies, String failure, Duration delay,
                 AuthInfo authenticated, boolean authFailed, Rule rule, boolean discarded) {
        this(reply, next, envelope, copies, failure, delay, authenticated, authFailed, rule, discarded, List.of());
    }

    private Step(Reply reply, Next next, Envelope envelope, List<StoredCopy> copies, String failure, Duration delay,
                 AuthInfo authenticated, boolean authFailed, Rule rule, boolean discarded,
                 List<ClientCheck.Warning> warnings) {
        this.rule = rule;
        this.discarded = discarded;
        this.reply = reply;
        this.next = next;
        this.envelope = envelope;
        this.copies = List.copyOf(copies);
        this.failure = failure;
        this.delay = delay;
        this.authenticated = authenticated;
        this.authFailed = authFailed;
        this.warnings = warnings;
    }

    /** This step, telling also {@code warning} about the client (see {@link ClientCheck}); this one when null. */
    Step withWarning(ClientCheck.Warning warning) {
        return warning == null ? this : new Step(reply, next, envelope, copies, failure, delay, authenticated, authFailed,
                rule, discarded, List.of(warning));
    }

    /** Send {@code reply}, then read the next command. */
    static Step reply(Reply reply) {
        return new Step(reply, Next.COMMAND, null, List.of(), null);
    }

    /** Send {@code reply}, then close the connection. */
    static Step close(Reply reply) {
        return new Step(reply, Next.CLOSE, null, List.of(), null);
    }

    /** Send {@code reply}, then read message data. */
    static Step startData(Reply reply) {
        return new Step(reply, Next.DATA, null, List.of(), null);
    }

    /** Send {@code reply} in the clear, then start TLS. */
    static Step startTls(Reply reply) {
        return new Step(reply, Next.START_TLS, null, List.of(), null);
    }

    /** The message of {@code envelope} is stored as {@code copies}; send {@code reply}, then read the next command. */
    static Step delivered(Reply reply, Envelope envelope, List<StoredCopy> copies) {
        return new Step(reply, Next.COMMAND, envelope, copies, null);
    }

    /**
     * The message of {@code envelope} could not be stored, for {@code failure}; send {@code reply},
     * then read the next command.
     */
    static Step failed(Reply reply, Envelope envelope, String failure) {
        return new Step(reply, Next.COMMAND, envelope, List.of(), failure);
    }

    /** Send {@code reply}, a 334 challenge, then read the client's response to it. */
    static Step authChallenge(Reply reply) {
        return new Step(reply, Next.AUTH_RESPONSE, null, List.of(), null);
    }

    /** The session authenticated as {@code info}; send {@code reply}, then read the next command. */
    static Step authenticated(Reply reply, AuthInfo info) {
        return new Step(reply, Next.COMMAND, null, List.of(), null, Duration.ZERO, info, false);
    }

    /**
     * An AUTH failed: send {@code reply} once {@code delay} has passed, taking no command
     * meanwhile (slowing a password guesser down), then read the next command, or close the
     * connection when {@code last}.
     */
    static Step authFailed(Reply reply, Duration delay, boolean last) {
        return new Step(reply, last ? Next.CLOSE : Next.COMMAND, null, List.of(), null, delay, null, true);
    }

    /**
     * A rule's {@code close = before}: the connection closes without a reply, after
     * {@code rule}'s delay if it has one; the command is not carried out.
     */
    static Step dropped(Rule rule) {
        return new Step(null, Next.DROP, null, List.of(), null, rule.delay(), null, false, rule, false);
    }

    /**
     * A data-end rule's {@code discard}: the message of {@code envelope} is answered as
     * stored ({@code reply}) but was stored nowhere.
     */
    static Step discarded(Reply reply, Envelope envelope, Rule rule) {
        return new Step(reply, Next.COMMAND, envelope, List.of(), null, Duration.ZERO, null, false, rule, true)
                .ruled(rule);
    }

    /**
     * This step as {@code rule} shapes it: after the rule's delay (added to any of its own),
     * closing after the reply when the rule says so, the rule noted. The rule's reply, when
     * it has one, was made into the step already (the command was not carried out).
     */
    Step ruled(Rule rule) {
        Next after = rule.close() == Rule.Close.AFTER ? Next.CLOSE : next;
        return new Step(reply, after, envelope, copies, failure, delay.plus(rule.delay()), authenticated, authFailed,
                rule, discarded, warnings);
    }

    /** The reply to send; null when the step is {@link Next#DROP}. */
    public Reply reply() {
        return reply;
    }

    public Next next() {
        return next;
    }

    /** The message's envelope after a message; null after a command. */
    public Envelope envelope() {
        return envelope;
    }

    /** Where the message was stored; empty unless it was. */
    public List<StoredCopy> copies() {
        return copies;
    }

    /** Why the message could not be stored; null unless it failed. */
    public String failure() {
        return failure;
    }

    /**
     * How long to wait before sending the reply, the connection taking no command meanwhile;
     * zero for at once. The wait must not hold up the thread: other sessions go on.
     */
    public Duration delay() {
        return delay;
    }

    /** Who the session authenticated as by this step's AUTH; null unless it just did. */
    public AuthInfo authenticated() {
        return authenticated;
    }

    /** True when the reply is to an AUTH whose credentials were refused (a 535, or the last failure's 421). */
    public boolean authFailed() {
        return authFailed;
    }

    /**
     * The scripted-failure rule that shaped this step (its reply, delay, close, discard or
     * throttle); null when no rule applied.
     */
    public Rule rule() {
        return rule;
    }

    /** Bytes per second the connection is held to from this step on (a rule's throttle); 0 for no change. */
    public long throttle() {
        return rule == null ? 0 : rule.throttle();
    }

    /** The message was answered as stored, but a rule had it stored nowhere; {@link #copies()} is empty. */
    public boolean discarded() {
        return discarded;
    }

    /** What the client did wrong in the input this step answers, to be told before the reply; usually empty. */
    public List<ClientCheck.Warning> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "Step[" + reply + ", " + next + (envelope == null ? "" : ", " + envelope.queueId())
                + (failure == null ? "" : ", failed: " + failure) + (delay.isZero() ? "" : ", after " + delay)
                + (authenticated == null ? "" : ", " + authenticated) + (authFailed ? ", AUTH failed" : "")
                + (rule == null ? "" : ", rule " + rule.name()) + (discarded ? ", discarded" : "") + "]";
    }
}
