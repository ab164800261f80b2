package org.smtpmonitor.smtp;

/**
 * Reads the reverse-path and forward-path arguments of MAIL and RCPT (RFC 5321 4.1.2).
 * Accepts what people type by hand as well: {@code FROM:<a@x>}, {@code FROM: <a@x>}
 * and {@code FROM:a@x}.
 */
final class Addresses {

    /** RFC 1035 2.3.4: a label of a domain name is at most 63 octets. */
    static final int MAX_LABEL = 63;

    private Addresses() {
    }

    /** A path and the ESMTP parameters after it. {@code address} is empty for {@code <>}. */
    record Path(String address, String parameters) {
    }

    /**
     * Parses {@code <address> [parameters]} or {@code address [parameters]}.
     * Returns {@code null} when the text is not a path.
     */
    static Path parsePath(String text) {
        String rest = text.stripLeading();
        String address;
        String parameters;
        if (rest.startsWith("<")) {
            int close = rest.indexOf('>');
            if (close < 0) {
                return null;
            }
            address = rest.substring(1, close);
            parameters = rest.substring(close + 1);
            if (!parameters.isEmpty() && parameters.charAt(0) != ' ') {
                return null;
            }
            // A source route (<@relay,@relay:user@domain>) is to be ignored (RFC 5321 C).
            if (address.startsWith("@")) {
                int colon = address.indexOf(':');
                if (colon < 0) {
                    return null;
                }
                address = address.substring(colon + 1);
            }
        } else {
            int space = rest.indexOf(' ');
            address = space < 0 ? rest : rest.substring(0, space);
            parameters = space < 0 ? "" : rest.substring(space);
            if (address.isEmpty()) {
                return null;
            }
        }
        if (!address.isEmpty() && !isMailbox(address)) {
            return null;
        }
        return new Path(address, parameters.strip());
    }

    /**
     * True for {@code local@domain} (or a bare local part) made of printable ASCII, or of
     * UTF-8 characters that print (RFC 6531; see {@link #isAddressCharacter}), with no blanks,
     * angle brackets or a second unquoted {@code @}, and no label of the domain longer than
     * {@link #MAX_LABEL}.
     */
    static boolean isMailbox(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? null : address.substring(at + 1);
        if (local.isEmpty() || (domain != null && (domain.isEmpty() || domain.indexOf('@') >= 0))) {
            return false;
        }
        boolean quoted = local.length() >= 2 && local.charAt(0) == '"' && local.charAt(local.length() - 1) == '"';
        for (int i = 0; i < address.length(); i += Character.charCount(address.codePointAt(i))) {
            char c = address.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '<' || c == '>') {
                if (!(quoted && c == ' ' && i < at)) {
                    return false;
                }
            }
            if (c > 0x7f && !isAddressCharacter(address.codePointAt(i))) {
                return false;
            }
            if (c == '@' && i != at && !(quoted && i < at)) {
                return false;
            }
        }
        return domain == null || domain.startsWith("[") || longestLabel(domain) <= MAX_LABEL;
    }

    /**
     * Whether a character beyond ASCII may be in an address. Not those that are invisible or
     * move other text about (controls, format characters such as the bidi marks, blanks and
     * separators), nor what no one can read the same way twice (private use, unassigned code
     * points, lone surrogates), nor U+FFFD, which stands for bytes that were not UTF-8.
     */
    static boolean isAddressCharacter(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> codePoint != 0xFFFD;
        };
    }

    /** True when the text is all ASCII. */
    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static int longestLabel(String domain) {
        int longest = 0;
        int start = 0;
        for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', start)) {
            longest = Math.max(longest, dot - start);
            start = dot + 1;
        }
        return Math.max(longest, domain.length() - start);
    }

    /** The domain of an address, or {@code ""} when it has none. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }
}
