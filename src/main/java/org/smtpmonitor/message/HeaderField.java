package org.smtpmonitor.message;

/**
 * One header field as stored: its name as written, its value unfolded with encoded words
 * decoded (RFC 2047), and the value as it was stored, folding line breaks included, for a
 * source view. Neither value is escaped for display: that is the viewer's business.
 */
public record HeaderField(String name, String value, String rawValue) {

    public boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }
}
