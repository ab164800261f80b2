package org.smtpmonitor.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.util.MimeParameterMapping;

/** A {@link Part} while {@link MimeWalk} reads it: filled in as its header and body go by. */
final class PartBuilder {

    final String path;
    final List<Part> children = new ArrayList<>();
    long size;
    long preambleSize;
    boolean raw;
    private int partsStarted;
    private String contentType = "text/plain";
    private String charset = "";
    private String transferEncoding = "7bit";
    private String disposition = "";
    private String filename = "";
    private String contentId = "";
    private String boundary = "";
    /** A multipart type given without the boundary its parts need; mime4j reads it as text/plain. */
    private String multipartWithoutBoundary;

    PartBuilder(String path) {
        this.path = path;
    }

    PartBuilder newChild() {
        return new PartBuilder(path + "." + ++partsStarted);
    }

    void field(Field field, Problems problems) {
        if (field instanceof ContentTypeField type && multipartWithoutBoundary == null
                && type.isMultipart() && type.getBoundary() == null) {
            multipartWithoutBoundary = lower(type.getMimeType());
            problems.add("Content-Type " + multipartWithoutBoundary
                    + " has no boundary parameter; the body is one raw part");
        }
    }

    void describe(BodyDescriptor descriptor) {
        contentType = lower(descriptor.getMimeType());
        transferEncoding = lower(descriptor.getTransferEncoding());
        boundary = orEmpty(descriptor.getBoundary());
        charset = contentType.startsWith("text/") ? orEmpty(descriptor.getCharset()) : "";
        if (descriptor instanceof MaximalBodyDescriptor maximal) {
            disposition = lower(maximal.getContentDispositionType());
            contentId = withoutAngleBrackets(orEmpty(maximal.getContentId()));
            filename = orEmpty(maximal.getContentDispositionFilename());
            if (filename.isEmpty()) {
                filename = nameParameter(maximal);
            }
        }
        if (multipartWithoutBoundary != null) {
            contentType = multipartWithoutBoundary;
            charset = "";
            raw = true;
        }
    }

    void noteUnknownCharset(Problems problems) {
        if (!charset.isEmpty() && TextDecoder.charsetOrNull(charset) == null) {
            problems.add("unknown charset \"" + charset + "\"; the text is read as UTF-8, or as "
                    + TextDecoder.LEGACY.name() + " where it is not valid UTF-8");
        }
    }

    void tooDeep(Problems problems) {
        if (contentType.startsWith("multipart/")) {
            raw = true;
            problems.add("multiparts nested deeper than " + MimeWalk.MAX_NESTED_PARTS
                    + " are not read; this one is one raw part");
        }
    }

    void endMultipart(Problems problems) {
        if (partsStarted == 0) {
            raw = true;
            size = preambleSize;
            problems.add("no line starts with its boundary \"--" + boundary + "\"; the body is one raw part");
        }
    }

    boolean isAttachedMessage() {
        return contentType.equals("message/rfc822");
    }

    /** As mime4j decides which bodies its base64 decoder reads. */
    boolean isBase64() {
        return transferEncoding.equals("base64");
    }

    Part build() {
        long total = size;
        if (!children.isEmpty() && !isAttachedMessage()) {
            total = children.stream().mapToLong(Part::size).sum();
        }
        return new Part(path, contentType, charset, transferEncoding, disposition, filename, contentId, total, raw,
                children);
    }

    /** Content-Type's {@code name} parameter, which older mailers give instead of a filename. */
    private static String nameParameter(MaximalBodyDescriptor descriptor) {
        String plain = descriptor.getContentTypeParameters().get("name");
        String extended = descriptor.getContentTypeParameters().get("name*");
        if (extended != null) {
            // RFC 2231: charset'language'percent-encoded; mime4j's mapping knows how to read it.
            MimeParameterMapping mapping = new MimeParameterMapping();
            mapping.addParameter("name*", extended);
            return orEmpty(mapping.get("name"));
        }
        return plain == null ? "" : EncodedWords.decode(plain);
    }

    private static String withoutAngleBrackets(String id) {
        String stripped = id.strip();
        if (stripped.startsWith("<") && stripped.endsWith(">") && stripped.length() >= 2) {
            return stripped.substring(1, stripped.length() - 1);
        }
        return stripped;
    }

    private static String lower(String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
