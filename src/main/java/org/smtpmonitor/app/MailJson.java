package org.smtpmonitor.app;

import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.text.Json;

/**
 * The JSON of a mailbox and of a message, as {@code mailbox list/show/search --json} print it
 * and the HTTP API answers it. The field names are a contract that scripts and tests rely on:
 * add fields, never rename one.
 */
public final class MailJson {

    private MailJson() {
    }

    /** A mailbox: address, messages, bytes. */
    public static Json.Fields mailbox(MailboxDirectory.MailboxInfo m) {
        return Json.object().field("address", m.address()).field("messages", m.messages()).field("bytes", m.bytes());
    }

    /** A message: id, mailbox, received, envelopeFrom, envelopeTo, from, subject, size, arrival. */
    public static Json.Fields message(IndexedMessage m) {
        return Json.object().field("id", m.id()).field("mailbox", m.mailbox()).field("received", m.received().toString())
                .field("envelopeFrom", m.envelopeFrom()).field("envelopeTo", m.envelopeTo())
                .field("from", m.from()).field("subject", m.subject()).field("size", m.size())
                .field("arrival", arrival(m.arrival()));
    }

    /**
     * How a message came: {@code {"tls": {"protocol", "cipher"} or null, "auth": {"mechanism",
     * "user"} or null}}; null when not known (indexed before it was recorded, or found by a rescan).
     */
    public static Json.Fields arrival(Arrival arrival) {
        if (!arrival.known()) {
            return null;
        }
        return Json.object()
                .field("tls", arrival.overTls() ? Json.object().field("protocol", arrival.tlsProtocol())
                        .field("cipher", arrival.tlsCipher()) : null)
                .field("auth", arrival.authenticated() ? Json.object().field("mechanism", arrival.authMechanism())
                        .field("user", arrival.authUser()) : null);
    }
}
