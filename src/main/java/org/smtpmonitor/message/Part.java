package org.smtpmonitor.message;

import java.util.List;

/**
 * One node of a message's MIME tree. Absent values are empty strings, never null.
 *
 * @param path             where the part is: {@code "1"} is the message itself, {@code "1.2"} the second
 *                         part of a multipart, {@code "1.2.1"} the message inside an attached
 *                         {@code message/rfc822} part {@code "1.2"}
 * @param contentType      the media type in lower case, {@code text/plain} when none is given (RFC 2045)
 * @param charset          the charset of a text part as declared ({@code us-ascii} by default), else empty
 * @param transferEncoding the Content-Transfer-Encoding in lower case ({@code 7bit} by default)
 * @param disposition      {@code inline}, {@code attachment} or empty
 * @param filename         from Content-Disposition (or Content-Type's {@code name}), RFC 2231 and 2047 decoded
 * @param contentId        the Content-ID without its angle brackets
 * @param size             the bytes of the decoded body; for a multipart, the sum of its parts'
 * @param raw              the part's structure could not be read, so its bytes are given as they are
 *                         stored (the message's problems say why)
 * @param children         the parts of a multipart, or the one message of a {@code message/rfc822} part
 */
public record Part(String path, String contentType, String charset, String transferEncoding, String disposition,
                   String filename, String contentId, long size, boolean raw, List<Part> children) {

    public Part {
        children = List.copyOf(children);
    }

    public boolean isMultipart() {
        return contentType.startsWith("multipart/");
    }

    public boolean isAttachedMessage() {
        return contentType.equals("message/rfc822");
    }

    public boolean isAttachment() {
        return disposition.equals("attachment");
    }

    public boolean isText(String subtype) {
        return contentType.equals("text/" + subtype);
    }
}
