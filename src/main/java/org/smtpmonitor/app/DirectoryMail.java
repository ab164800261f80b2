package org.smtpmonitor.app;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.smtpmonitor.message.BodyText;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.ParsedMessage;

/**
 * The mail of a mailbox directory as {@code expect} weighs it: listed from the index (which a
 * server running on the directory shares), each message's body read from its file only when
 * asked for.
 */
public final class DirectoryMail implements MailWait.Source {

    private final MailboxDirectory directory;

    public DirectoryMail(MailboxDirectory directory) {
        this.directory = directory;
    }

    @Override
    public List<MailCandidate> newest(int skip, int limit) throws IOException {
        List<MailCandidate> page = new ArrayList<>();
        for (IndexedMessage message : directory.search("", null, skip, limit)) {
            page.add(new Copy(message, directory));
        }
        return page;
    }

    /**
     * The body's text: the plain-text part, else the text of the HTML part, else empty; as
     * the window shows it and the API's {@code text} gives it.
     */
    static String bodyText(ParsedMessage parsed) {
        return BodyText.of(parsed, null).map(BodyText::text).orElse("");
    }

    private record Copy(IndexedMessage message, MailboxDirectory directory) implements MailCandidate {
        @Override
        public long id() {
            return message.id();
        }

        @Override
        public String mailbox() {
            return message.mailbox();
        }

        @Override
        public Instant received() {
            return message.received();
        }

        @Override
        public String envelopeFrom() {
            return message.envelopeFrom();
        }

        @Override
        public List<String> envelopeTo() {
            return message.envelopeTo();
        }

        @Override
        public String from() {
            return nonNull(message.from());
        }

        @Override
        public String subject() {
            return nonNull(message.subject());
        }

        @Override
        public List<String> recipientFieldsIfKnown() {
            // The index keeps To and Cc with the summary headers.
            return List.of(nonNull(message.to()), nonNull(message.cc()));
        }

        @Override
        public Details details(boolean withBody) throws IOException {
            String body = withBody ? bodyText(directory.parse(message.id())) : null;
            return new Details(recipientFieldsIfKnown(), body);
        }

        private static String nonNull(String value) {
            return value == null ? "" : value;
        }
    }
}
