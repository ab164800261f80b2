package org.smtpmonitor.client;

import java.util.ArrayList;
import java.util.List;

/**
 * A reply as a client receives it (RFC 5321 section 4.2): the three-digit code and each
 * line as it came, such as {@code 250-SIZE 26214400}, without its CRLF.
 */
public record SmtpReply(int code, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not a reply code: " + code);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        lines = List.copyOf(lines);
    }

    /** The text of each line, without the code and the separator after it. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>(lines.size());
        for (String line : lines) {
            texts.add(line.length() > 4 ? line.substring(4) : "");
        }
        return texts;
    }

    /** 2yz: the command was carried out. */
    public boolean isPositiveCompletion() {
        return code < 300;
    }

    /** 3yz: go on, as {@code 354} after DATA. */
    public boolean isPositiveIntermediate() {
        return code >= 300 && code < 400;
    }

    /** 4yz or 5yz. */
    public boolean isFailure() {
        return code >= 400;
    }

    /**
     * True when the server closes the connection after this reply: {@code 221} (after
     * QUIT) and {@code 421} (service not available, RFC 5321 3.8).
     */
    public boolean closesConnection() {
        return code == 221 || code == 421;
    }

    /** The reply on one line, for messages: {@code 550 Address unknown}. */
    public String summary() {
        return code + " " + String.join(" ", texts()).strip();
    }

    /** The reply as received, one line per line. */
    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
