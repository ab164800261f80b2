package org.smtpmonitor.message;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides, for one sanitising of one message, what each URL of its HTML becomes, and counts
 * what it blocks. A resource (an image, a background, a font, a style sheet) may be one of the
 * message's own parts ({@code cid:}, made a {@code data:} URI), a {@code data:} image, or, only
 * when remote content is allowed, an http or https URL. A link may be http, https or mailto.
 *
 * <p>URLs are read as a browser reads them (the URL Standard): spaces and controls around them
 * are dropped and tabs and newlines inside them are ignored, so {@code " jav&#9;ascript:"}
 * (entities are undone by the HTML parser before we see it) is a javascript: URL here too.
 */
final class ResourceUrls {

    /** The image types a {@code data:} URL may have: raster images only (an SVG image is a document). */
    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/jpg", "image/pjpeg",
            "image/gif", "image/webp", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon", "image/avif");
    private static final Set<String> LINK_SCHEMES = Set.of("http", "https", "mailto");

    private final RemoteContent remote;
    private final Function<String, Optional<String>> cidImages;
    private int blockedRemote;
    private int blockedOther;

    /**
     * @param cidImages the {@code data:} URI of the message's part with a Content-ID, if it has
     *                  one that may be shown
     */
    ResourceUrls(RemoteContent remote, Function<String, Optional<String>> cidImages) {
        this.remote = remote;
        this.cidImages = cidImages;
    }

    /** What a resource URL becomes, or null to leave it out (counted as blocked). */
    String resource(String raw) {
        String url = normalised(raw);
        String scheme = scheme(url);
        if (scheme.equals("cid")) {
            Optional<String> image = cidImages.apply(url);
            if (image.isEmpty()) {
                blockedOther++;
            }
            return image.orElse(null);
        }
        if (scheme.equals("data")) {
            if (IMAGE_TYPES.contains(dataMediaType(url))) {
                return url;
            }
            blockedOther++;
            return null;
        }
        return remoteOrNull(url, scheme);
    }

    /** What the URL of a style sheet ({@code @import}, {@code <link rel=stylesheet>}) becomes, or null. */
    String stylesheet(String raw) {
        String url = normalised(raw);
        return remoteOrNull(url, scheme(url));
    }

    private String remoteOrNull(String url, String scheme) {
        boolean protocolRelative = scheme.isEmpty() && isProtocolRelative(url);
        if (!scheme.equals("http") && !scheme.equals("https") && !protocolRelative) {
            blockedOther++;
            return null;
        }
        if (remote == RemoteContent.BLOCKED) {
            blockedRemote++;
            return null;
        }
        // The view's content has no address to be relative to: //host/x is meant as the web sees it.
        return protocolRelative ? "https:" + url : url;
    }

    /** The link's URL if it is http, https or mailto, else null. Links are never counted: nothing is fetched. */
    static String link(String raw) {
        String url = normalised(raw);
        return LINK_SCHEMES.contains(scheme(url)) ? url : null;
    }

    /** The remote resources left out: those that {@link RemoteContent#ALLOWED} would fetch. */
    int blockedRemote() {
        return blockedRemote;
    }

    /** The other resources left out: of other schemes, relative, unknown {@code cid:} or not images. */
    int blockedOther() {
        return blockedOther;
    }

    /** The URL without what a browser ignores: C0 controls and spaces around it, tabs and newlines in it. */
    static String normalised(String raw) {
        int start = 0;
        int end = raw.length();
        while (start < end && raw.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && raw.charAt(end - 1) <= ' ') {
            end--;
        }
        StringBuilder url = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') {
                url.append(c);
            }
        }
        return url.toString();
    }

    /** The scheme of a normalised URL in lower case, or empty for a relative one. */
    static String scheme(String url) {
        int colon = url.indexOf(':');
        if (colon <= 0 || !isAsciiLetter(url.charAt(0))) {
            return "";
        }
        for (int i = 1; i < colon; i++) {
            char c = url.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return "";
            }
        }
        return url.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** {@code //host/...}, where a backslash counts as a slash, as browsers read it. */
    private static boolean isProtocolRelative(String url) {
        return url.length() >= 2 && isSlash(url.charAt(0)) && isSlash(url.charAt(1));
    }

    /** The media type of a {@code data:} URL in lower case, {@code text/plain} when it has none (RFC 2397). */
    static String dataMediaType(String url) {
        int end = url.length();
        for (int i = 5; i < url.length(); i++) {
            if (url.charAt(i) == ';' || url.charAt(i) == ',') {
                end = i;
                break;
            }
        }
        String type = url.substring(5, end).strip().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? "text/plain" : type;
    }

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
