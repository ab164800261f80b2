package org.smtpmonitor.message;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code cid:} images of one message as {@code data:} URIs, so that the HTML view shows
 * them without fetching anything. Bounded: an image over {@link #MAX_IMAGE_BYTES}, or one that
 * would take the message's images over {@link #MAX_TOTAL_BYTES}, is left out: a data URI is a
 * third bigger than the image, the view holds the whole page as one string, and WebKit reads it
 * on the FX thread (20 MB of images hold the window for over a second, HtmlViewBenchmark). Only raster
 * images are given: a part declared as some other type is shown if its bytes are a known image
 * (mailers often send images as application/octet-stream), never as what it claims.
 */
final class InlineImages implements Function<String, Optional<String>> {

    static final long MAX_IMAGE_BYTES = 5L << 20;
    static final long MAX_TOTAL_BYTES = 10L << 20;

    private final ParsedMessage message;
    private final long maxImageBytes;
    private final long maxTotalBytes;
    private final Map<String, Optional<String>> made = new HashMap<>();
    private long totalBytes;

    InlineImages(ParsedMessage message) {
        this(message, MAX_IMAGE_BYTES, MAX_TOTAL_BYTES);
    }

    InlineImages(ParsedMessage message, long maxImageBytes, long maxTotalBytes) {
        this.message = message;
        this.maxImageBytes = maxImageBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** The data URI of the inline part of {@code cid} (a {@code cid:} URL), if it may be shown. */
    @Override
    public Optional<String> apply(String cid) {
        String id = ContentIds.normalise(cid);
        Optional<String> known = made.get(id);
        if (known != null) {
            return known;
        }
        Optional<String> uri = message.inlinePart(cid).flatMap(this::dataUri);
        made.put(id, uri);
        return uri;
    }

    private Optional<String> dataUri(Part part) {
        if (part.size() > maxImageBytes || totalBytes + part.size() > maxTotalBytes) {
            return Optional.empty();
        }
        byte[] bytes = message.decodedBody(part);
        String type = ResourceUrls.IMAGE_TYPES.contains(part.contentType()) ? part.contentType() : sniffed(bytes);
        if (type == null) {
            return Optional.empty();
        }
        totalBytes += bytes.length;
        return Optional.of("data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes));
    }

    /** The type of a raster image told by its first bytes, or null. */
    static String sniffed(byte[] bytes) {
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(bytes, 0, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        if (startsWith(bytes, 0, 'B', 'M')) {
            return "image/bmp";
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
