package org.smtpmonitor.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;


/**
 * The server side of one SMTP session (RFC 5321), as a plain state machine: it is given
 * command lines and received messages and answers with the reply to send. It knows
 * nothing of sockets, so every path through the protocol can be tested directly.
 *
 * <p>Not thread-safe: one connection drives it from one thread.
 */
public final class SmtpSession {

    static final Reply SYNTAX_ERROR = Reply.of(500, "Syntax error, command unrecognized");
    static final Reply LINE_TOO_LONG = Reply.of(500, "Line too long");
    static final Reply OK = Reply.of(250, "OK");
    static final Reply ADDRESS_UNKNOWN = Reply.of(550, "Address unknown");
    static final Reply NOT_IMPLEMENTED = Reply.of(502, "Command not implemented");
    static final Reply BAD_ARGUMENTS = Reply.of(501, "Syntax error in parameters or arguments");
    static final Reply NEED_HELO = Reply.of(503, "Bad sequence of commands: send HELO or EHLO first");
    static final Reply NESTED_MAIL = Reply.of(503, "Bad sequence of commands: sender already given");
    static final Reply NEED_MAIL = Reply.of(503, "Bad sequence of commands: need MAIL before RCPT");
    static final Reply NEED_RCPT = Reply.of(503, "Bad sequence of commands: need RCPT before DATA");
    static final Reply START_DATA = Reply.of(354, "Start mail input; end with <CRLF>.<CRLF>");
    static final Reply TOO_LARGE = Reply.of(552, "Message size exceeds fixed maximum message size");
    static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "Too many recipients");
    static final Reply INSUFFICIENT_STORAGE = Reply.of(452, "4.3.1 Insufficient system storage");
    static final Reply LOCAL_ERROR = Reply.of(451, "Requested action aborted: local error in processing");
    static final Reply VRFY = Reply.of(252, "Cannot VRFY user, but will accept message and attempt delivery");
    static final Reply UNKNOWN_PARAMETER = Reply.of(555, "MAIL FROM/RCPT TO parameters not recognized or not implemented");
    /** RFC 6531: a UTF-8 address in a transaction that did not ask for SMTPUTF8 (553, X.6.7 of RFC 5248). */
    static final Reply SENDER_NOT_ASCII = Reply.of(553, "5.6.7 Non-ASCII addresses not permitted for that sender without SMTPUTF8");
    static final Reply RECIPIENT_NOT_ASCII =
            Reply.of(553, "5.6.7 Non-ASCII addresses not permitted for that recipient without SMTPUTF8");
    static final Reply READY_TO_START_TLS = Reply.of(220, "Ready to start TLS");
    /** RFC 3207 4: no parameters. */
    static final Reply STARTTLS_SYNTAX = Reply.of(501, "5.5.4 Syntax error (no parameters allowed)");
    /**
     * RFC 3207 4.2 forbids a second handshake and offers no code for the attempt: 503, since
     * the command is known but not allowed in this state (454 would tell the client to try
     * again later, and 502 that the server has no STARTTLS at all).
     */
    static final Reply TLS_ACTIVE = Reply.of(503, "5.5.1 Bad sequence of commands: TLS already active");
    static final Reply TLS_REQUIRED = Reply.of(530, "5.7.0 Must issue a STARTTLS command first");
    private static final String COMMANDS = "Commands: HELO EHLO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT";
    private static final List<String> HELP_REST = List.of(
            "MAIL FROM:<sender> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8], then RCPT TO:<user> for each recipient",
            "DATA, then the message, ending with a line holding only \".\"",
            "End of HELP info");

    private final SmtpConfig config;
    private final MessageStore store;
    private final String queueIdPrefix;
    private final long sessionId;
    private final String client;
    private final Reply greeting;
    private final Reply closing;
    private final Authentication authentication;
    /** The scripted failures; empty unless a rules file was given. */
    private final RuleBook rules;
    private final RuleBook.Counts ruleCounts;

    private String heloName;
    private boolean inTransaction;
    private String sender;
    private final Set<String> recipients = new LinkedHashSet<>();
    /** The transaction's MAIL asked for SMTPUTF8 (RFC 6531): its addresses may be UTF-8. */
    private boolean utf8Transaction;
    private int messageCount;
    /** The session's TLS, null while it runs in the clear. */
    private TlsInfo tls;
    /** What the client does wrong, told once a kind (see {@link ClientCheck}). */
    private final ClientCheck check = new ClientCheck();
    /** The last HELO or EHLO was an EHLO, whose reply offers PIPELINING (RFC 2920 3). */
    private boolean pipeliningOffered;
    /** The transaction's MAIL gave SIZE=n (RFC 1870): n; -1 when it gave none. */
    private long declaredSize = -1;
    /** The transaction's MAIL gave BODY=8BITMIME or SMTPUTF8: its message may hold 8-bit bytes. */
    private boolean eightBitDeclared;

    /**
     * @param queueIdPrefix makes queue ids unique across sessions; each message gets
     *                      {@code prefix + "." + n}
     */
    public SmtpSession(SmtpConfig config, MessageStore store, String queueIdPrefix) {
        this(config, store, queueIdPrefix, 0, "");
    }

    /**
     * @param sessionId the server's id of this session, and {@code client} the client's
     *                  address as text: both go into each message's envelope
     */
    public SmtpSession(SmtpConfig config, MessageStore store, String queueIdPrefix, long sessionId, String client) {
        this(config, store, queueIdPrefix, sessionId, client, new RuleBook());
    }

    /** @param rules the scripted failures every session of the server consults at each step */
    public SmtpSession(SmtpConfig config, MessageStore store, String queueIdPrefix, long sessionId, String client,
                       RuleBook rules) {
        this.rules = rules;
        this.ruleCounts = rules.newCounts();
        this.config = config;
        this.store = store;
        this.queueIdPrefix = queueIdPrefix;
        this.sessionId = sessionId;
        this.client = client;
        this.greeting = Reply.of(220, config.domain() + " ESMTP smtp-monitor ready");
        this.closing = Reply.of(221, config.domain() + " Service closing transmission channel");
        this.authentication = new Authentication(config.auth(), store, config.domain());
    }

    public Reply greeting() {
        return greeting;
    }

    /**
     * The client has connected (and finished its TLS handshake, on the implicit-TLS port):
     * the greeting, as a rule {@code on = connect} may shape it (another reply, a delay,
     * a close, a throttle).
     */
    public Step connected() {
        Rule rule = rules.isEmpty() ? null : rules.select(Rule.On.CONNECT, false, List.of(), sessionId, ruleCounts);
        if (rule == null) {
            return Step.reply(greeting);
        }
        if (rule.close() == Rule.Close.BEFORE) {
            return Step.dropped(rule);
        }
        return Step.reply(rule.reply() != null ? rule.reply() : greeting).ruled(rule);
    }

    /**
     * The reply to a command line that went past the length limit; the state is unchanged,
     * but for an AUTH exchange the line was a response of, which ends (RFC 4954 6).
     */
    public Reply lineTooLong() {
        return authentication.awaitsResponse() ? authentication.responseTooLong() : LINE_TOO_LONG;
    }

    /** The reply sent to a client the server drops for {@code reason} (a 421). */
    public Reply serviceClosing(String reason) {
        return serviceClosing(config.domain(), reason);
    }

    /** The 421 of a server named {@code domain}, for a client refused before it has a session. */
    public static Reply serviceClosing(String domain, String reason) {
        return Reply.of(421, domain + " " + reason + ", closing transmission channel");
    }

    /** The TLS this session runs over, or null while it runs in the clear. */
    public TlsInfo tls() {
        return tls;
    }

    /** Notes that the session's TLS handshake is done. */
    public void tlsStarted(TlsInfo info) {
        tls = info;
        authentication.reset();
    }

    /** Who the session authenticated as (SMTP AUTH), or null while it has not. */
    public AuthInfo auth() {
        return authentication.info();
    }

    /**
     * How {@code line}, about to be given to {@link #command}, may be shown in a transcript or
     * a log: as it is, but for the secrets of SMTP AUTH. A response to a 334 challenge is shown
     * as {@code ****}, an AUTH command's initial response too ({@code AUTH PLAIN ****}).
     */
    public String shown(String line) {
        return authentication.shown(line);
    }

    /** How many messages this session has stored. */
    public int messageCount() {
        return messageCount;
    }

    /**
     * Handles one command line, given without its line ending, or the response to an AUTH
     * challenge when the step before asked for one. A line holding a control character (but
     * tab) or U+FFFD (bytes that were not UTF-8) is not a command; UTF-8 beyond ASCII is
     * allowed in the addresses of MAIL and RCPT only (RFC 6531).
     */
    public Step command(String line) {
        if (rules.isEmpty() || authentication.awaitsResponse()) {
            return execute(line);
        }
        return ruled(line);
    }

    /**
     * A command line as the first rule that applies to it shapes it: {@code close = before}
     * drops the connection and a rule's reply replaces the command's own, the command not
     * carried out either way; otherwise the command is carried out, its reply delayed,
     * followed by a close, or the connection throttled as the rule says.
     */
    private Step ruled(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        Rule.On step;
        List<String> addresses = List.of();
        switch (verb) {
            case "HELO", "EHLO" -> step = Rule.On.HELO;
            case "MAIL" -> {
                step = Rule.On.MAIL;
                addresses = pathAddress(argument, "FROM:");
            }
            case "RCPT" -> {
                step = Rule.On.RCPT;
                addresses = pathAddress(argument, "TO:");
            }
            case "DATA" -> {
                step = Rule.On.DATA;
                addresses = List.copyOf(recipients);
            }
            default -> step = Rule.On.COMMAND;
        }
        Rule rule = rules.select(step, true, addresses, sessionId, ruleCounts);
        if (rule == null) {
            return execute(line);
        }
        if (rule.close() == Rule.Close.BEFORE) {
            return Step.dropped(rule);
        }
        return (rule.reply() != null ? Step.reply(rule.reply()) : execute(line)).ruled(rule);
    }

    /** The address of a MAIL FROM or RCPT TO argument, for a rule's pattern; none when it does not parse. */
    private static List<String> pathAddress(String argument, String prefix) {
        if (!startsWithIgnoreCase(argument, prefix)) {
            return List.of();
        }
        Addresses.Path path = Addresses.parsePath(argument.substring(prefix.length()));
        return path == null ? List.of() : List.of(path.address());
    }

    private Step execute(String line) {
        if (authentication.awaitsResponse()) {
            return authentication.response(line);
        }
        LineText text = lineText(line);
        if (text == LineText.NOT_TEXT) {
            return Step.reply(SYNTAX_ERROR);
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        if (text == LineText.UTF8 && !verb.equals("MAIL") && !verb.equals("RCPT")) {
            return Step.reply(SYNTAX_ERROR);
        }
        switch (verb) {
            case "HELO":
                return helo(argument, false);
            case "EHLO":
                return helo(argument, true);
            case "MAIL":
                return mail(argument);
            case "RCPT":
                return rcpt(argument);
            case "DATA":
                return data(argument);
            case "RSET":
                if (!argument.isBlank()) {
                    return Step.reply(BAD_ARGUMENTS);
                }
                resetTransaction();
                return Step.reply(OK);
            case "NOOP":
                return Step.reply(OK);
            case "VRFY":
                return Step.reply(argument.isBlank() ? BAD_ARGUMENTS : VRFY);
            case "HELP":
                return Step.reply(help());
            case "QUIT":
                return Step.close(closing);
            case "AUTH":
                return authentication.command(argument, tls != null, heloName != null, inTransaction);
            case "STARTTLS":
                return startTls(argument);
            case "EXPN", "SEND", "SOML", "SAML", "TURN":
                return Step.reply(NOT_IMPLEMENTED);
            default:
                return Step.reply(SYNTAX_ERROR);
        }
    }

    private Step helo(String argument, boolean extended) {
        String name = argument.strip();
        if (name.isEmpty()) {
            return Step.reply(Reply.of(501, "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"));
        }
        int blank = name.indexOf(' ');
        heloName = blank < 0 ? name : name.substring(0, blank);
        // RFC 5321 4.1.4: HELO/EHLO in a session clears any transaction under way.
        resetTransaction();
        pipeliningOffered = extended;
        ClientCheck.Warning warning = check.heloName(extended ? "EHLO" : "HELO", heloName);
        String hello = config.domain() + " Hello " + heloName;
        if (!extended) {
            return Step.reply(Reply.of(250, hello)).withWarning(warning);
        }
        List<String> lines = new ArrayList<>();
        lines.add(hello);
        lines.addAll(extensions());
        return Step.reply(Reply.multiline(250, lines)).withWarning(warning);
    }

    /**
     * What EHLO offers now: STARTTLS while in the clear (when the server has TLS), AUTH where
     * it is offered, HELP last.
     */
    private List<String> extensions() {
        List<String> extensions = new ArrayList<>(List.of("SIZE " + config.maxMessageSize(), "8BITMIME", "PIPELINING",
                "SMTPUTF8"));
        if (tls == null && config.startTls()) {
            extensions.add("STARTTLS");
        }
        if (authentication.offered(tls != null)) {
            extensions.add(Authentication.EHLO_LINE);
        }
        extensions.add("HELP");
        return extensions;
    }

    /** The commands this session takes now: STARTTLS and AUTH when its EHLO offers them. */
    private Reply help() {
        List<String> offered = extensions();
        String commands = COMMANDS + (offered.contains("STARTTLS") ? " STARTTLS" : "")
                + (offered.contains(Authentication.EHLO_LINE) ? " AUTH" : "");
        List<String> lines = new ArrayList<>(HELP_REST.size() + 1);
        lines.add(commands);
        lines.addAll(HELP_REST);
        return Reply.multiline(214, lines);
    }

    /**
     * RFC 3207: after the 220 the session starts again as if just greeted (no HELO name,
     * no transaction), since nothing the client said in the clear can be trusted.
     */
    private Step startTls(String argument) {
        if (!config.startTls()) {
            return Step.reply(NOT_IMPLEMENTED);
        }
        if (!argument.isBlank()) {
            return Step.reply(STARTTLS_SYNTAX);
        }
        if (tls != null) {
            return Step.reply(TLS_ACTIVE);
        }
        heloName = null;
        pipeliningOffered = false;
        resetTransaction();
        return Step.startTls(READY_TO_START_TLS);
    }

    private Step mail(String argument) {
        if (!startsWithIgnoreCase(argument, "FROM:")) {
            return Step.reply(Reply.of(501, "Syntax: MAIL FROM:<address>"));
        }
        if (heloName == null) {
            return Step.reply(NEED_HELO);
        }
        if (config.requireTls() && tls == null) {
            return Step.reply(TLS_REQUIRED);
        }
        if (inTransaction) {
            return Step.reply(NESTED_MAIL);
        }
        if (authentication.mailRefused()) {
            return Step.reply(Authentication.REQUIRED);
        }
        Addresses.Path path = Addresses.parsePath(argument.substring(5));
        if (path == null) {
            return Step.reply(Reply.of(501, "Syntax error in sender address"));
        }
        Reply parameterError = checkMailParameters(path.parameters());
        if (parameterError != null) {
            return Step.reply(parameterError);
        }
        boolean utf8 = hasParameter(path.parameters(), "SMTPUTF8");
        if (!utf8 && !Addresses.isAscii(path.address())) {
            return Step.reply(SENDER_NOT_ASCII);
        }
        if (config.requireHeloDomain() && !path.address().isEmpty()
                && !Addresses.domainOf(path.address()).equalsIgnoreCase(heloName)) {
            return Step.reply(Reply.of(550, "Sender domain must match the HELO domain " + heloName));
        }
        inTransaction = true;
        utf8Transaction = utf8;
        sender = path.address();
        declaredSize = sizeParameter(path.parameters());
        eightBitDeclared = utf8 || hasParameter(path.parameters(), "BODY=8BITMIME");
        return Step.reply(OK);
    }

    private Reply checkMailParameters(String parameters) {
        if (parameters.isEmpty()) {
            return null;
        }
        for (String parameter : parameters.split(" +")) {
            int equals = parameter.indexOf('=');
            String keyword = (equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            switch (keyword) {
                case "SIZE":
                    long size = parseSize(value);
                    if (size < 0) {
                        return BAD_ARGUMENTS;
                    }
                    if (size > config.maxMessageSize()) {
                        return TOO_LARGE;
                    }
                    break;
                case "BODY":
                    if (!value.equalsIgnoreCase("7BIT") && !value.equalsIgnoreCase("8BITMIME")) {
                        return BAD_ARGUMENTS;
                    }
                    break;
                case "SMTPUTF8":
                    // RFC 6531 3.4: a keyword without a value.
                    if (equals >= 0) {
                        return BAD_ARGUMENTS;
                    }
                    break;
                default:
                    return UNKNOWN_PARAMETER;
            }
        }
        return null;
    }

    private static boolean hasParameter(String parameters, String keyword) {
        if (parameters.isEmpty()) {
            return false;
        }
        for (String parameter : parameters.split(" +")) {
            if (parameter.equalsIgnoreCase(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** The value of the SIZE parameter among {@code parameters} (already checked); -1 when there is none. */
    private static long sizeParameter(String parameters) {
        if (parameters.isEmpty()) {
            return -1;
        }
        for (String parameter : parameters.split(" +")) {
            if (startsWithIgnoreCase(parameter, "SIZE=")) {
                return parseSize(parameter.substring(5));
            }
        }
        return -1;
    }

    private static long parseSize(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long size = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            size = size * 10 + (c - '0');
        }
        return size;
    }

    private Step rcpt(String argument) {
        if (!startsWithIgnoreCase(argument, "TO:")) {
            return Step.reply(Reply.of(501, "Syntax: RCPT TO:<address>"));
        }
        if (!inTransaction) {
            return Step.reply(NEED_MAIL);
        }
        Addresses.Path path = Addresses.parsePath(argument.substring(3));
        if (path == null || path.address().isEmpty()) {
            return Step.reply(Reply.of(501, "Syntax error in recipient address"));
        }
        if (!path.parameters().isEmpty()) {
            return Step.reply(UNKNOWN_PARAMETER);
        }
        if (!utf8Transaction && !Addresses.isAscii(path.address())) {
            return Step.reply(RECIPIENT_NOT_ASCII);
        }
        String user = store.findUser(path.address());
        if (user == null) {
            return Step.reply(ADDRESS_UNKNOWN);
        }
        if (!recipients.contains(user) && recipients.size() >= config.maxRecipients()) {
            return Step.reply(TOO_MANY_RECIPIENTS);
        }
        recipients.add(user);
        return Step.reply(OK);
    }

    private Step data(String argument) {
        if (!argument.isBlank()) {
            return Step.reply(BAD_ARGUMENTS);
        }
        if (!inTransaction) {
            return Step.reply(heloName == null ? NEED_HELO : Reply.of(503, "Bad sequence of commands: need MAIL before DATA"));
        }
        if (recipients.isEmpty()) {
            return Step.reply(NEED_RCPT);
        }
        return Step.startData(START_DATA);
    }

    /**
     * The whole message arrived (already unstuffed, without the final {@code .} line):
     * store it and answer 250, or 451 when it could not be stored. The transaction ends
     * either way.
     */
    public Step messageReceived(byte[] data, int length) {
        return finishDelivery(beginDelivery(data, length));
    }

    /**
     * The first half of {@link #messageReceived}: writes the message to the store without
     * waiting for the disk, so that a server can write several sessions' messages and then
     * wait for the disk once for all of them. The transaction ends here; {@code data} may
     * be reused as soon as this returns.
     */
    public Delivery beginDelivery(byte[] data, int length) {
        requireData();
        Rule rule = rules.isEmpty() ? null
                : rules.select(Rule.On.DATA_END, false, List.copyOf(recipients), sessionId, ruleCounts);
        if (rule != null && (rule.close() == Rule.Close.BEFORE || rule.reply() != null || rule.discard())) {
            return ruledDelivery(rule);
        }
        messageCount++;
        Envelope envelope = new Envelope(queueIdPrefix + "." + messageCount, heloName, sender, new ArrayList<>(recipients),
                sessionId, client, tls, authentication.info());
        resetTransaction();
        try {
            return new Delivery(envelope, store.append(envelope, data, length), null, rule);
        } catch (IOException | RuntimeException e) {
            return new Delivery(envelope, null, e, rule);
        }
    }

    /**
     * A message a data-end rule keeps from the store: dropped with the connection, answered
     * with the rule's reply, or answered 250 and stored nowhere. The transaction ends.
     */
    private Delivery ruledDelivery(Rule rule) {
        Step step;
        if (rule.discard()) {
            messageCount++;
            Envelope envelope = new Envelope(queueIdPrefix + "." + messageCount, heloName, sender,
                    new ArrayList<>(recipients), sessionId, client, tls, authentication.info());
            step = Step.discarded(Reply.of(250, "OK: queued as " + envelope.queueId()), envelope, rule);
        } else if (rule.close() == Rule.Close.BEFORE) {
            step = Step.dropped(rule);
        } else {
            step = Step.reply(rule.reply()).ruled(rule);
        }
        resetTransaction();
        return new Delivery(step);
    }

    /**
     * The second half of {@link #messageReceived}: waits until the message is durable
     * (unless {@link Delivery#awaitDurable()} did already), and answers.
     */
    public Step finishDelivery(Delivery delivery) {
        if (delivery.ruled != null) {
            return delivery.ruled;
        }
        delivery.awaitDurable();
        Envelope envelope = delivery.envelope;
        if (delivery.failure == null) {
            Step delivered = Step.delivered(Reply.of(250, "OK: queued as " + envelope.queueId()), envelope,
                    delivery.copies);
            return delivery.rule == null ? delivered : delivered.ruled(delivery.rule);
        }
        messageCount--;
        String why = "could not store message " + envelope.queueId() + ": " + delivery.failure.getMessage();
        Step failed = Step.failed(LOCAL_ERROR, envelope, why);
        return delivery.rule == null ? failed : failed.ruled(delivery.rule);
    }

    /**
     * A message handed to the store by {@link #beginDelivery}, to be finished by
     * {@link #finishDelivery}. Its wait for the disk may run on another thread, before
     * the session's own thread finishes it.
     */
    public static final class Delivery {
        private final Envelope envelope;
        private final MessageStore.Pending pending;
        private volatile Exception failure;
        private volatile List<StoredCopy> copies;
        /** The data-end rule that delays, closes after or throttles; null for none. */
        private final Rule rule;
        /** The answer of a message a rule kept from the store; null for one handed to the store. */
        private final Step ruled;

        private Delivery(Envelope envelope, MessageStore.Pending pending, Exception failure, Rule rule) {
            this.envelope = envelope;
            this.pending = pending;
            this.failure = failure;
            this.rule = rule;
            this.ruled = null;
        }

        private Delivery(Step ruled) {
            this.envelope = ruled.envelope();
            this.pending = null;
            this.rule = ruled.rule();
            this.ruled = ruled;
            this.copies = List.of();
        }

        /**
         * Settles a delivery whose wait for the disk was cut short (the thread that waited
         * died): unless it is known to be on disk, it failed, for {@code reason}.
         */
        public void abandon(String reason) {
            if (copies == null && failure == null) {
                failure = new IOException(reason);
            }
        }

        /** Waits until the message is on disk, or the disk failed; does nothing the second time. */
        public void awaitDurable() {
            if (failure != null || copies != null) {
                return;
            }
            try {
                copies = pending.awaitDurable();
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        public Envelope envelope() {
            return envelope;
        }
    }

    /** The message went past the size limit: nothing is stored and the transaction ends. */
    public Step messageTooLarge() {
        requireData();
        resetTransaction();
        return Step.reply(TOO_LARGE);
    }

    /**
     * The server had no memory to spare for the message (452, RFC 5321 4.2.2): nothing is
     * stored and the transaction ends; the client may try again later.
     */
    public Step insufficientStorage() {
        requireData();
        resetTransaction();
        return Step.reply(INSUFFICIENT_STORAGE);
    }

    /**
     * Checks the message of the DATA under way, before it is handed on (to
     * {@link #beginDelivery}, {@link #messageTooLarge} or {@link #insufficientStorage}):
     * {@code found} is what the reader noticed in its bytes, {@code size} its size, and
     * {@code data} its first {@code length} bytes (0 when it was not kept). The warnings
     * are those not told before in this session; usually none.
     */
    public List<ClientCheck.Warning> checkMessage(DataFindings found, long size, byte[] data, int length) {
        requireData();
        return check.message(found, size, declaredSize, eightBitDeclared, data, length);
    }

    /**
     * The connection saw a command (or a response to an AUTH challenge) arrive before the
     * reply to the one before it was sent: a warning when PIPELINING was not offered, the
     * first time; null otherwise.
     */
    public ClientCheck.Warning commandPipelined() {
        return pipeliningOffered ? null : check.pipelined();
    }

    private void requireData() {
        if (!inTransaction || recipients.isEmpty()) {
            throw new IllegalStateException("no DATA command is under way");
        }
    }

    private void resetTransaction() {
        inTransaction = false;
        utf8Transaction = false;
        declaredSize = -1;
        eightBitDeclared = false;
        sender = null;
        recipients.clear();
    }

    private static boolean startsWithIgnoreCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** What a command line holds: printable ASCII, UTF-8 beyond it, or something that is not a command. */
    private enum LineText { NOT_TEXT, ASCII, UTF8 }

    /**
     * Controls (C0 but tab, DEL, C1) and U+FFFD, which the decoder puts for bytes that were not
     * UTF-8, make a line {@link LineText#NOT_TEXT}.
     */
    private static LineText lineText(String line) {
        if (line.isEmpty()) {
            return LineText.NOT_TEXT;
        }
        LineText text = LineText.ASCII;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= ' ' && c < 0x7f) {
                continue;
            }
            if ((c < ' ' && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == 0xFFFD) {
                return LineText.NOT_TEXT;
            }
            if (c > 0x7f) {
                text = LineText.UTF8;
            }
        }
        return text;
    }
}
