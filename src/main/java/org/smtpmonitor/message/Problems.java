package org.smtpmonitor.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * What was wrong with a message, as notes for the reader: each says which part it is about.
 * mime4j reports what it forgave through this monitor; its words are made plainer, repeats are
 * counted rather than listed, and the list is capped so that a message made of errors cannot
 * make it grow without end.
 */
final class Problems extends DecodeMonitor {

    static final int MAX_NOTES = 50;

    private final boolean listening;
    private final Map<String, Integer> notes = new LinkedHashMap<>();
    private String part = "1";

    private Problems(boolean listening) {
        this.listening = listening;
    }

    static Problems collecting() {
        return new Problems(true);
    }

    /** For a walk whose notes were taken already. */
    static Problems ignoring() {
        return new Problems(false);
    }

    /** The part that the notes from now on are about. */
    void at(String path) {
        part = path;
    }

    /** A note about the current part. */
    void add(String note) {
        addAbout(part, note);
    }

    void addAbout(String path, String note) {
        if (!listening) {
            return;
        }
        String text = "part " + path + ": " + note;
        if (notes.containsKey(text) || notes.size() < MAX_NOTES) {
            notes.merge(text, 1, Integer::sum);
        }
    }

    @Override
    public boolean isListening() {
        return listening;
    }

    @Override
    public boolean warn(String error, String dropDesc) {
        String plain = plain(error);
        if (plain != null) {
            add(plain);
        }
        return false; // never stop: the parse goes on as leniently as mime4j can
    }

    List<String> list() {
        List<String> list = new ArrayList<>(notes.size());
        notes.forEach((note, times) -> list.add(times == 1 ? note : note + " (" + times + " times)"));
        return list;
    }

    /** mime4j's warning in plainer words, or null for one that is no fault of the message. */
    private static String plain(String error) {
        String text = error;
        if (text.startsWith("Found LF without CR") || text.startsWith("Found CR without LF")
                || text.startsWith("ignored blanks")) {
            return null; // line endings and trailing blanks in quoted-printable are common and harmless
        }
        if (text.startsWith("Unexpected base64 byte")) {
            return "bytes that are not base64 were skipped";
        }
        if (text.startsWith("Unexpected end of BASE64 stream") || text.startsWith("Unexpected padding character")) {
            return "the base64 text ends in the middle of a group; its last bytes are lost";
        }
        if (text.startsWith("Unexpected end of headers")) {
            return "the header block ends without the blank line that ends it";
        }
        if (text.startsWith("Invalid header encountered")) {
            return "a line in the header block is not a header field; it is skipped";
        }
        if (text.startsWith("Body part ended prematurely")) {
            return "the multipart ends without its closing boundary (the message may be cut short)";
        }
        if (text.startsWith("Malformed encoded value") || text.startsWith("Unexpected ==")) {
            return "quoted-printable text with a bad =XX escape, kept as it is";
        }
        return text;
    }
}
