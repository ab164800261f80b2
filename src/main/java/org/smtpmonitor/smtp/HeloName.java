package org.smtpmonitor.smtp;

/**
 * Whether the name a client gives in HELO or EHLO has the syntax RFC 5321 4.1.1.1 asks
 * for: a domain (4.1.2 {@code Domain}: labels of letters, digits and hyphens, each starting
 * and ending with a letter or digit, joined by dots) or an address literal (4.1.3:
 * {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}). Syntax only: nothing is looked up.
 */
public final class HeloName {

    /** RFC 5321 4.5.3.1.2. */
    private static final int MAX_DOMAIN = 255;
    /** RFC 1035 2.3.4. */
    private static final int MAX_LABEL = 63;

    private HeloName() {
    }

    /** True for a domain or an address literal. */
    public static boolean isValid(String name) {
        return isDomain(name) || isAddressLiteral(name);
    }

    /**
     * True for a domain by RFC 5321 4.1.2, such as {@code localhost} or
     * {@code mail.example.com}, but for one whose last label is all digits: that is an IP
     * address without its brackets ({@code 192.0.2.1}), since no top-level domain is
     * numeric (RFC 1123 2.1).
     */
    public static boolean isDomain(String name) {
        if (name.isEmpty() || name.length() > MAX_DOMAIN) {
            return false;
        }
        int start = 0;
        boolean lastAllDigits = false;
        while (true) {
            int dot = name.indexOf('.', start);
            int end = dot < 0 ? name.length() : dot;
            if (!isLabel(name, start, end)) {
                return false;
            }
            lastAllDigits = allDigits(name, start, end);
            if (dot < 0) {
                return !lastAllDigits;
            }
            start = dot + 1;
        }
    }

    /** {@code sub-domain = Let-dig [Ldh-str]}: letters, digits, hyphens, not first or last. */
    private static boolean isLabel(String name, int start, int end) {
        if (end == start || end - start > MAX_LABEL) {
            return false;
        }
        if (!isLetterOrDigit(name.charAt(start)) || !isLetterOrDigit(name.charAt(end - 1))) {
            return false;
        }
        for (int i = start + 1; i < end - 1; i++) {
            char c = name.charAt(i);
            if (!isLetterOrDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean allDigits(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * True for an address literal by RFC 5321 4.1.3: {@code [IPv4]} or {@code [IPv6:addr]}.
     * The general form {@code [tag:content]} needs a tag registered with IANA, and only
     * {@code IPv6} is.
     */
    public static boolean isAddressLiteral(String name) {
        if (name.length() < 3 || name.charAt(0) != '[' || name.charAt(name.length() - 1) != ']') {
            return false;
        }
        String inside = name.substring(1, name.length() - 1);
        if (inside.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return isIpv6(inside.substring(5));
        }
        return isIpv4(inside);
    }

    /** {@code Snum 3("." Snum)}, each 1 to 3 digits and at most 255. */
    static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !allDigits(part, 0, part.length())
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 5321 4.1.3's {@code IPv6-addr}: eight groups of 1 to 4 hex digits, the last two of
     * which may be written as an IPv4 address; or, with {@code ::} standing for at least two
     * groups of zeros, at most six groups (four before an IPv4 address) besides it.
     */
    static boolean isIpv6(String text) {
        String hex = text;
        boolean withIpv4 = false;
        int lastColon = text.lastIndexOf(':');
        if (lastColon < 0) {
            return false;
        }
        if (text.indexOf('.', lastColon) >= 0) {
            if (!isIpv4(text.substring(lastColon + 1))) {
                return false;
            }
            withIpv4 = true;
            // Keep a "::" just before the IPv4 part; drop a single ":".
            hex = text.startsWith("::", lastColon - 1) ? text.substring(0, lastColon + 1) : text.substring(0, lastColon);
        }
        int compressed = hex.indexOf("::");
        if (compressed < 0) {
            return groups(hex) == (withIpv4 ? 6 : 8);
        }
        if (hex.indexOf("::", compressed + 1) >= 0) {
            return false;
        }
        int before = groups(hex.substring(0, compressed));
        int after = groups(hex.substring(compressed + 2));
        return before >= 0 && after >= 0 && before + after <= (withIpv4 ? 4 : 6);
    }

    /** How many groups of 1 to 4 hex digits, colon-separated, {@code text} holds; -1 if it is not that. */
    private static int groups(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        String[] groups = text.split(":", -1);
        for (String group : groups) {
            if (group.isEmpty() || group.length() > 4) {
                return -1;
            }
            for (int i = 0; i < group.length(); i++) {
                char c = group.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                    return -1;
                }
            }
        }
        return groups.length;
    }
}
