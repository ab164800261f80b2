package org.smtpmonitor.message;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.mime4j.MimeException;

/**
 * Reads a stored message into a {@link ParsedMessage}. Whatever the bytes are, it returns a
 * model and never throws: malformed MIME is read as leniently as Apache mime4j can, a part whose
 * structure cannot be read becomes a raw part, and the model's problems say what was wrong.
 */
public final class MessageParser {

    private MessageParser() {
    }

    /**
     * The model of a message from its exact stored bytes: as a raw mailbox holds them, or an mbox
     * entry without its {@code From } line and mboxrd quoting. The array is kept, not copied: the
     * caller must not change it afterwards.
     */
    public static ParsedMessage parse(byte[] message) {
        Problems problems = Problems.collecting();
        List<String> headerNotes = new ArrayList<>();
        List<HeaderField> headers = HeaderBlock.fields(message, message.length, name -> true, headerNotes);
        headerNotes.forEach(problems::add);
        Part root;
        if (message.length == 0) {
            root = new Part("1", "text/plain", "us-ascii", "7bit", "", "", "", 0, false, List.of());
            problems.add("the message is empty (0 bytes)");
        } else {
            root = tree(message, problems);
        }
        return new ParsedMessage(Summary.of(headers, message.length), headers, root, problems.list(),
                new MessageSource(message));
    }

    private static Part tree(byte[] message, Problems problems) {
        try {
            return MimeWalk.tree(message, problems);
        } catch (MimeException | IOException | RuntimeException e) {
            // A limit was passed (or mime4j gave up): the message is kept whole as one raw part.
            problems.addAbout("1", "the MIME structure could not be read (" + e.getMessage()
                    + "); the whole message is one raw part");
            return new Part("1", "message/rfc822", "", "binary", "", "", "", message.length, true, List.of());
        }
    }
}
