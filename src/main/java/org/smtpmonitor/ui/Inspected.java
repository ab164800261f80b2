package org.smtpmonitor.ui;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.smtpmonitor.event.EventText;
import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.HeaderField;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Part;
import org.smtpmonitor.message.SourceLines;
import org.smtpmonitor.text.Printable;

/**
 * A message as the inspector shows it, read off the FX thread: its envelope, header fields and
 * attachments as rows escaped for display, its model (for the parts tree, the text and saving),
 * and its source counted in rows. What the model says was wrong with it is in {@code notes}.
 */
record Inspected(long id, Envelope envelope, String subject, ParsedMessage parsed, List<HeaderRow> headers,
                 List<AttachmentRow> attachments, SourceLines source, List<String> notes) {

    private static final DateTimeFormatter RECEIVED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz",
            Locale.ROOT).withZone(ZoneId.systemDefault());

    /**
     * The SMTP envelope of a stored copy, escaped for display.
     *
     * @param mailbox   the mailbox this copy was delivered to
     * @param to        every RCPT TO of the transaction, the mailbox's own marked
     * @param sessionId the session that delivered it; 0 when not known (found by a rescan)
     * @param security  how it came: {@code TLS 1.3 TLS_AES_128_GCM_SHA256 · AUTH PLAIN alice@example.com},
     *                  {@code in the clear}, or {@code (not known)}
     */
    record Envelope(String mailbox, String from, String to, String queueId, String received, String client,
                    String helo, long sessionId, String security) {

        static Envelope of(IndexedMessage message) {
            List<String> recipients = new ArrayList<>();
            for (String recipient : message.envelopeTo()) {
                recipients.add(Printable.escape(recipient)
                        + (recipient.equalsIgnoreCase(message.mailbox()) ? " (this mailbox)" : ""));
            }
            return new Envelope(Printable.escape(message.mailbox()), "<" + Printable.escape(message.envelopeFrom()) + ">",
                    recipients.isEmpty() ? "(not known)" : String.join(", ", recipients),
                    orUnknown(message.queueId()), message.received() == null ? "(not known)"
                    : RECEIVED.format(message.received()), orUnknown(message.client()), orUnknown(message.helo()),
                    message.sessionId(), security(message.arrival()));
        }

        /** How a message came, escaped: its TLS, or "in the clear", then its AUTH, if any. */
        static String security(Arrival arrival) {
            if (!arrival.known()) {
                return "(not known)";
            }
            String how = arrival.overTls()
                    ? EventText.tlsProtocol(arrival.tlsProtocol()) + " " + arrival.tlsCipher() : "in the clear";
            if (arrival.authenticated()) {
                how += " \u00b7 AUTH " + arrival.authMechanism() + " " + arrival.authUser();
            }
            return Printable.escape(how);
        }

        private static String orUnknown(String value) {
            return value == null || value.isEmpty() ? "(not known)" : Printable.escape(value);
        }
    }

    /** A header field: its name, its decoded value, and its raw value with its folded lines. */
    record HeaderRow(String name, String value, String raw) {

        static HeaderRow of(HeaderField field) {
            return new HeaderRow(Printable.escape(field.name()), Printable.escape(field.value()),
                    DisplayText.lines(field.rawValue().strip()));
        }
    }

    /**
     * A part a reader may save: its name as the mail gives it (escaped), the safe name it is
     * saved under, and what it is.
     */
    record AttachmentRow(Part part, String name, String fileName, String type, long size, boolean inline) {

        static AttachmentRow of(Part part, boolean inline) {
            String fileName = FileNames.of(part);
            String name = part.filename().isEmpty() ? fileName : Printable.escape(part.filename());
            return new AttachmentRow(part, name, fileName, Printable.escape(part.contentType()), part.size(), inline);
        }
    }

    /** Reads what the inspector shows of a message; file work, so off the FX thread. */
    static Inspected of(IndexedMessage indexed, ParsedMessage parsed) {
        List<HeaderRow> headers = parsed.headers().stream().map(HeaderRow::of).toList();
        List<AttachmentRow> attachments = new ArrayList<>();
        parsed.attachments().forEach(part -> attachments.add(AttachmentRow.of(part, false)));
        parsed.inlineParts().forEach(part -> attachments.add(AttachmentRow.of(part, true)));
        return new Inspected(indexed.id(), Envelope.of(indexed), Printable.escape(parsed.summary().subject()), parsed,
                headers, List.copyOf(attachments), SourceLines.of(parsed.source()),
                parsed.problems().stream().map(Printable::escape).toList());
    }

    boolean hasHtml() {
        return parsed.htmlPart().isPresent();
    }

    boolean hasText() {
        return parsed.textPart().isPresent();
    }
}
