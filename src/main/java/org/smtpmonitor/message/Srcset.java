package org.smtpmonitor.message;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code srcset} attribute: a list of image candidates, each a URL and its descriptors
 * ({@code 2x}, {@code 640w}), read as the HTML Standard's "parse a srcset attribute" does, so
 * that a {@code data:} URL with commas in it stays one candidate.
 */
final class Srcset {

    private Srcset() {
    }

    /** The candidates whose URL {@code urls} allows, rewritten; empty when none is left. */
    static String rewrite(String srcset, ResourceUrls urls) {
        List<String> kept = new ArrayList<>();
        int pos = 0;
        int length = srcset.length();
        while (true) {
            while (pos < length && (isSpace(srcset.charAt(pos)) || srcset.charAt(pos) == ',')) {
                pos++;
            }
            if (pos >= length) {
                break;
            }
            int urlStart = pos;
            while (pos < length && !isSpace(srcset.charAt(pos))) {
                pos++;
            }
            String url = srcset.substring(urlStart, pos);
            String descriptors = "";
            if (url.endsWith(",")) {
                int end = url.length();
                while (end > 0 && url.charAt(end - 1) == ',') {
                    end--;
                }
                url = url.substring(0, end);
            } else {
                int descriptorStart = pos;
                boolean inParens = false;
                while (pos < length && (inParens || srcset.charAt(pos) != ',')) {
                    char c = srcset.charAt(pos);
                    if (c == '(') {
                        inParens = true;
                    } else if (c == ')') {
                        inParens = false;
                    }
                    pos++;
                }
                descriptors = srcset.substring(descriptorStart, pos).strip();
            }
            String allowed = urls.resource(url);
            if (allowed != null && isPlainDescriptor(descriptors)) {
                kept.add(descriptors.isEmpty() ? allowed : allowed + " " + descriptors);
            }
        }
        return String.join(", ", kept);
    }

    /** Descriptors are numbers with a unit letter: anything else is not ours to pass on. */
    private static boolean isPlainDescriptor(String descriptors) {
        for (int i = 0; i < descriptors.length(); i++) {
            char c = descriptors.charAt(i);
            boolean plain = (c >= '0' && c <= '9') || c == '.' || c == ' ' || c == 'w' || c == 'x' || c == 'h'
                    || c == 'e' || c == 'E' || c == '+' || c == '-';
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
}
