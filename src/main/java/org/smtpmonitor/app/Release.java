package org.smtpmonitor.app;

import java.util.ArrayList;
import java.util.List;

import org.smtpmonitor.client.Credentials;
import org.smtpmonitor.client.MessageRelay;
import org.smtpmonitor.client.MessageSender;
import org.smtpmonitor.client.Security;
import org.smtpmonitor.client.ServerTrust;
import org.smtpmonitor.client.TlsClient;
import org.smtpmonitor.client.TlsMode;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.text.Printable;

/**
 * A stored message sent on to a real server ({@link MailboxDirectory#release}): the target
 * made into our client's {@link Security}, the envelope chosen, and the client's result told
 * as a {@link ReleaseOutcome}.
 */
final class Release {

    private Release() {
    }

    /**
     * Sends {@code data}, the stored bytes of {@code message}, to {@code target}.
     *
     * @throws IllegalArgumentException when a recipient of the target is not an address, or
     *                                  the stored envelope has none and the target names none
     */
    static ReleaseOutcome send(IndexedMessage message, byte[] data, ReleaseTarget target) {
        List<String> recipients = target.recipients().isEmpty() ? message.envelopeTo() : target.recipients();
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("message " + message.id() + " has no envelope recipient: name one");
        }
        for (String recipient : target.recipients()) {
            checkAddress(recipient);
        }
        Security security = security(target);
        String from = message.envelopeFrom() == null ? "" : message.envelopeFrom();
        MessageRelay.Result result = MessageRelay.relay(target.host(), target.port(), security,
                MessageRelay.Timeouts.DEFAULT, heloName(from), from, recipients, data);
        return outcome(result);
    }

    static Security security(ReleaseTarget target) {
        TlsMode mode = switch (target.security()) {
            case PLAIN -> TlsMode.NONE;
            case STARTTLS -> TlsMode.STARTTLS;
            case TLS -> TlsMode.IMPLICIT;
        };
        TlsClient tls = mode == TlsMode.NONE ? null
                : new TlsClient(target.insecure() ? ServerTrust.any() : ServerTrust.system());
        Credentials credentials = target.user() == null ? null : new Credentials(target.user(), target.password());
        return new Security(mode, tls, credentials, null);
    }

    /** An envelope address as RCPT TO can carry it: no space, control character, or angle bracket. */
    static void checkAddress(String address) {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("a recipient is empty");
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("'" + address + "' is not an address: it cannot hold spaces,"
                        + " control characters, < or >");
            }
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not an address: it needs the form local@domain");
        }
    }

    /** The sender's domain when it is a plain host name (as send says EHLO), else localhost. */
    static String heloName(String from) {
        String domain = from.substring(from.lastIndexOf('@') + 1);
        return domain.matches("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?") ? domain : "localhost";
    }

    static ReleaseOutcome outcome(MessageRelay.Result result) {
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (MessageSender.RecipientResult recipient : result.recipients()) {
            if (!recipient.accepted()) {
                refused.add(ReleaseOutcome.refusal(recipient.address(), recipient.reply().summary()));
            } else if (result.messageTaken()) {
                accepted.add(recipient.address());
            } else if (result.messageReply() != null) {
                // Accepted for RCPT, but the message itself was refused: no one has it.
                refused.add(ReleaseOutcome.refusal(recipient.address(), result.messageReply().summary()));
            }
        }
        if (!result.messageTaken()) {
            return ReleaseOutcome.failed(Printable.escape(result.failure()), refused, result.transcript());
        }
        String reply = result.messageReply().summary();
        int all = accepted.size() + refused.size();
        String summary = refused.isEmpty()
                ? reply + " (" + all + (all == 1 ? " recipient)" : " recipients)")
                : "delivered to " + accepted.size() + " of " + all + " recipients (" + reply + "); refused: "
                        + String.join(", ", refused);
        return new ReleaseOutcome(refused.isEmpty(), accepted, refused, result.transcript(),
                Printable.escape(summary));
    }
}
