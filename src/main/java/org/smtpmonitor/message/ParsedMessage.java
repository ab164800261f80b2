package org.smtpmonitor.message;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.mime4j.MimeException;

/**
 * A stored message read as a mail reader reads it: its summary, its top-level header fields in
 * order, its tree of MIME parts, and what was wrong with it ({@code problems}, empty for a
 * well-formed message). Made by {@link MessageParser}, which never throws on what it reads.
 *
 * <p>Bodies are not held: {@link #decodedBody} and the text helpers decode a part from the
 * stored bytes when asked, so each call does that work again.
 */
public record ParsedMessage(Summary summary, List<HeaderField> headers, Part root, List<String> problems,
                            MessageSource source) {

    public ParsedMessage {
        headers = List.copyOf(headers);
        problems = List.copyOf(problems);
    }

    /** The decoded value of the first header field of this name (in any case). */
    public Optional<String> header(String name) {
        return headers.stream().filter(field -> field.hasName(name)).map(HeaderField::value).findFirst();
    }

    /** Every part, depth first, the root first. */
    public List<Part> parts() {
        List<Part> parts = new ArrayList<>();
        addAll(root, parts);
        return parts;
    }

    public Optional<Part> part(String path) {
        return parts().stream().filter(part -> part.path().equals(path)).findFirst();
    }

    /** The part a reader shows as the message's plain text: the first text/plain that is not an attachment. */
    public Optional<Part> textPart() {
        return PartRoles.of(root).textPart();
    }

    /** The part a reader shows as the message's HTML: the first text/html that is not an attachment. */
    public Optional<Part> htmlPart() {
        return PartRoles.of(root).htmlPart();
    }

    public Optional<String> textBody() {
        return textPart().map(this::text);
    }

    public Optional<String> htmlBody() {
        return htmlPart().map(this::text);
    }

    /** What a reader offers to save: every part with a body but the text and HTML bodies and the inline parts. */
    public List<Part> attachments() {
        return PartRoles.of(root).attachments();
    }

    /** The parts an HTML body refers to as {@code cid:} (images, mostly). */
    public List<Part> inlineParts() {
        return PartRoles.of(root).inlineParts();
    }

    /** The inline part of a {@code cid:} URL or a Content-ID, with or without its angle brackets. */
    public Optional<Part> inlinePart(String cid) {
        String id = ContentIds.normalise(cid);
        return inlineParts().stream().filter(part -> ContentIds.normalise(part.contentId()).equals(id)).findFirst();
    }

    /**
     * The text of a part, decoded with its charset. With no charset or an unknown one, the
     * text is read as UTF-8 where it is valid UTF-8 and as windows-1252 where not.
     */
    public String text(Part part) {
        byte[] bytes = decodedBody(part);
        return TextDecoder.decode(bytes, 0, bytes.length, part.charset());
    }

    /** The body of a part with its transfer encoding undone: an attachment's file. A multipart has none. */
    public byte[] decodedBody(Part part) {
        SizedOutput out = new SizedOutput(part.size());
        try {
            writeDecodedBody(part, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only the output can fail, and this one does not
        }
        return out.bytes();
    }

    /** Streams the decoded body of a part to {@code out}, so that a large attachment is saved without a copy in memory. */
    public void writeDecodedBody(Part part, OutputStream out) throws IOException {
        if (part(part.path()).filter(part::equals).isEmpty()) {
            throw new IllegalArgumentException("part " + part.path() + " is not a part of this message");
        }
        if (part.equals(root) && part.raw() && part.isAttachedMessage()) {
            source.writeTo(out); // the whole message, whose structure could not be read (see MessageParser)
            return;
        }
        if (part.isMultipart() && !part.raw()) {
            return;
        }
        try {
            MimeWalk.copy(source.bytes(), part, out);
        } catch (MimeException e) {
            // The walk that built the tree read these same bytes without failing.
            throw new IllegalStateException("part " + part.path() + " could not be read again: " + e.getMessage(), e);
        }
    }

    private static void addAll(Part part, List<Part> into) {
        into.add(part);
        for (Part child : part.children()) {
            addAll(child, into);
        }
    }
}
