package org.smtpmonitor.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more lines of text.
 * Its wire form is built once, so constant replies cost nothing to send again.
 */
public final class Reply {

    private final int code;
    /** The text of each line, without the code. */
    private final List<String> texts;
    /** Each line as sent: the code, {@code -} or a space, the text. */
    private final List<String> lines;
    private final byte[] wire;

    private Reply(int code, List<String> texts) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not a reply code: " + code);
        }
        this.code = code;
        this.texts = List.copyOf(texts);
        List<String> sent = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            char separator = i == texts.size() - 1 ? ' ' : '-';
            sent.add(code + String.valueOf(separator) + texts.get(i));
        }
        this.lines = List.copyOf(sent);
        this.wire = (String.join("\r\n", sent) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static Reply of(int code, String text) {
        return new Reply(code, List.of(text));
    }

    /** A multi-line reply: every line but the last is sent as {@code code-text}. */
    public static Reply multiline(int code, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        return new Reply(code, texts);
    }

    public int code() {
        return code;
    }

    /** The text of each line, without the code. */
    public List<String> texts() {
        return texts;
    }

    /** Each line as sent, such as {@code 250-SIZE 26214400}, without CRLF. */
    public List<String> lines() {
        return lines;
    }

    /** The reply as sent on the wire, every line ending in CRLF. Do not modify the array. */
    public byte[] wire() {
        return wire;
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
