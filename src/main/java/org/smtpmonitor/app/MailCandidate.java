package org.smtpmonitor.app;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * One stored copy as {@code expect} weighs it, wherever it was read: from a mailbox
 * directory's index or from a server's HTTP API. The summary comes with the listing; the
 * details (the To and Cc fields, the body's text) may cost a read, so they are asked for
 * only when they can change the verdict.
 */
public interface MailCandidate {

    long id();

    /** The mailbox this copy is in. */
    String mailbox();

    Instant received();

    /** The envelope sender (MAIL FROM), empty for the null sender. */
    String envelopeFrom();

    /** The envelope recipients (RCPT TO). */
    List<String> envelopeTo();

    /** The From field, decoded; empty when there is none. */
    String from();

    /** The Subject field, decoded; empty when there is none. */
    String subject();

    /** The decoded To and Cc fields when the listing has them already, or null when they cost a read. */
    List<String> recipientFieldsIfKnown();

    /** Reads the To and Cc fields, and the body's text if {@code withBody}. */
    Details details(boolean withBody) throws IOException;

    /**
     * What a read of the message gives.
     *
     * @param recipientFields the decoded To and Cc fields' values
     * @param body the plain-text body, else the text of the HTML body; empty when it has neither
     *             (null when not asked for)
     */
    record Details(List<String> recipientFields, String body) {
        public Details {
            recipientFields = List.copyOf(recipientFields);
        }
    }
}
