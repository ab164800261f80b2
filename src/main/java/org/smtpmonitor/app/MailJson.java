package org.smtpmonitor.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.BodyText;
import org.smtpmonitor.message.HeaderField;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Part;
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

    /**
     * A message: id, mailbox, received, envelopeFrom, envelopeTo, from, subject, size, arrival,
     * queueId (what the server's 250 named; null when not recorded), sessionId (the session that
     * delivered it, as {@code GET /api/sessions/{id}} knows it; 0 when not recorded), messageId
     * (the Message-ID field, or null).
     */
    public static Json.Fields message(IndexedMessage m) {
        return Json.object().field("id", m.id()).field("mailbox", m.mailbox()).field("received", m.received().toString())
                .field("envelopeFrom", m.envelopeFrom()).field("envelopeTo", m.envelopeTo())
                .field("from", m.from()).field("subject", m.subject()).field("size", m.size())
                .field("arrival", arrival(m.arrival()))
                .nullable("queueId", emptyToNull(m.queueId())).field("sessionId", m.sessionId())
                .nullable("messageId", emptyToNull(m.messageId()));
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

    /**
     * One message in full, as {@code GET /api/messages/{id}} answers it: the fields of
     * {@link #message}, then {@code headers} ({@code name}, decoded {@code value}), {@code parts}
     * (see {@link #part}), {@code text} (the text/plain body, or the text of the HTML body;
     * null if neither), {@code html} (the HTML body as sent, or null) and {@code problems}
     * (what the MIME model found wrong).
     */
    public static Json.Fields messageDetail(IndexedMessage m, ParsedMessage parsed) {
        List<Part> parts = parsed.parts();
        Set<String> attachments = parsed.attachments().stream().map(Part::path).collect(Collectors.toSet());
        List<Json.Fields> partFields = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            partFields.add(part(i + 1, parts.get(i), attachments.contains(parts.get(i).path())));
        }
        return message(m).objects("headers", parsed.headers(), MailJson::header)
                .objects("parts", partFields, fields -> fields)
                .nullable("text", BodyText.of(parsed, null).map(BodyText::text).orElse(null))
                .nullable("html", parsed.htmlBody().orElse(null))
                .field("problems", parsed.problems());
    }

    /** A header field: name, value (unfolded, encoded words decoded). */
    public static Json.Fields header(HeaderField field) {
        return Json.object().field("name", field.name()).field("value", field.value());
    }

    /**
     * A MIME part: {@code index} (its place, from 1, among {@link ParsedMessage#parts()}: the
     * number {@code GET /api/messages/{id}/parts/{n}} takes), path, contentType, charset,
     * transferEncoding, disposition, filename, contentId (each null when absent), size (of the
     * decoded body), and attachment (whether a reader offers it to save).
     */
    public static Json.Fields part(int index, Part part, boolean attachment) {
        return Json.object().field("index", index).field("path", part.path()).field("contentType", part.contentType())
                .nullable("charset", emptyToNull(part.charset()))
                .nullable("transferEncoding", emptyToNull(part.transferEncoding()))
                .nullable("disposition", emptyToNull(part.disposition()))
                .nullable("filename", emptyToNull(part.filename()))
                .nullable("contentId", emptyToNull(part.contentId()))
                .field("size", part.size()).field("attachment", attachment);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
