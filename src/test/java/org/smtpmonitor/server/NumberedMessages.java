package org.smtpmonitor.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The messages of the crash test. Message {@code n}'s bytes, size, sender and recipients
 * follow from {@code n} alone, so a verifier regenerates any message instead of keeping
 * what was sent: a flood of multi-MB messages stays out of the heap.
 *
 * <p>Each message begins with the line {@code X-Test-Seq: n}, and its sender is
 * {@code s<n>@crash.test}, so a mailbox (and an mbox {@code From } line) names the message
 * that follows. Lines starting with {@code From }, {@code >From } and {@code .} exercise
 * mboxrd quoting and dot-stuffing; no body line can be taken for the start of a message.
 */
final class NumberedMessages {

    static final List<String> USERS = List.of("alice@example.com", "bob@example.com", "carol@example.com");

    /** One message in this many is large, so that a kill often lands in the middle of a big write. */
    static final int LARGE_EVERY = 8;

    private static final byte[][] WORDS = ascii("the", "mail", "server", "was", "killed", "while", "writing", "a",
            "message", "to", "disk", "and", "every", "byte", "must", "be", "kept", "or", "moved", "aside", "never",
            "merged", "with", "next", "one", "from", "dot", "line", "quote");
    /** How a line may begin, drawn one in 16: mostly with a word. */
    private static final byte[][] PREFIXES = ascii("From ", ">From ", ">>From ", ".", "..", "", "", "", "", "", "", "",
            "", "", "", "");

    private NumberedMessages() {
    }

    static String marker(long n) {
        return "X-Test-Seq: " + n + "\r\n";
    }

    static String sender(long n) {
        return "s" + n + "@crash.test";
    }

    /** One or two of the {@link #USERS}. */
    static List<String> recipients(long n) {
        SplittableRandom random = random(n);
        int first = random.nextInt(USERS.size());
        if (random.nextInt(3) > 0) {
            return List.of(USERS.get(first));
        }
        return List.of(USERS.get(first), USERS.get((first + 1 + random.nextInt(USERS.size() - 1)) % USERS.size()));
    }

    /** The message as the server must store it in raw format: the DATA bytes after dot-unstuffing. */
    static byte[] content(long n) {
        return content(n, n % LARGE_EVERY == LARGE_EVERY - 1);
    }

    /** As {@link #content}, but never large: for a flood that files are rewritten under. */
    static byte[] smallContent(long n) {
        return content(n, false);
    }

    private static byte[] content(long n, boolean large) {
        SplittableRandom random = random(n ^ 0x5DEECE66DL);
        int size = large
                ? 2_000_000 + random.nextInt(6_000_000)
                : 700 + random.nextInt(700);
        byte[] head = ascii(marker(n) + "Subject: crash test message " + n + "\r\n\r\n");
        // The last line may run up to about 100 bytes past the size.
        byte[] out = Arrays.copyOf(head, Math.max(size, head.length) + 128);
        int position = head.length;
        while (position < size) {
            int lineStart = position;
            byte[] prefix = PREFIXES[random.nextInt(16)];
            System.arraycopy(prefix, 0, out, position, prefix.length);
            position += prefix.length;
            int length = random.nextInt(8) == 0 ? 0 : 10 + random.nextInt(80);
            while (position - lineStart < length) {
                byte[] word = WORDS[random.nextInt(WORDS.length)];
                System.arraycopy(word, 0, out, position, word.length);
                position += word.length;
                out[position++] = ' ';
            }
            out[position++] = '\r';
            out[position++] = '\n';
        }
        return Arrays.copyOf(out, position);
    }

    /** What a client sends after DATA (before the final dot): {@code content} with each leading dot doubled. */
    static byte[] dotStuffed(byte[] content) {
        int dots = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '.' && (i == 0 || content[i - 1] == '\n')) {
                dots++;
            }
        }
        byte[] out = new byte[content.length + dots];
        int position = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '.' && (i == 0 || content[i - 1] == '\n')) {
                out[position++] = '.';
            }
            out[position++] = content[i];
        }
        return out;
    }

    /**
     * What follows the {@code From } line in an mboxrd file: each line of {@code >*From }
     * gets one more {@code >}, and a blank line ends the message ({@code content} always
     * ends in a newline, so no other is added).
     */
    static byte[] mboxBody(byte[] content) {
        int quotes = 0;
        for (int i = 0; i < content.length; i++) {
            if ((i == 0 || content[i - 1] == '\n') && isFromLine(content, i)) {
                quotes++;
            }
        }
        byte[] out = new byte[content.length + quotes + 1];
        int position = 0;
        for (int i = 0; i < content.length; i++) {
            if ((i == 0 || content[i - 1] == '\n') && isFromLine(content, i)) {
                out[position++] = '>';
            }
            out[position++] = content[i];
        }
        out[position] = '\n';
        return out;
    }

    private static boolean isFromLine(byte[] bytes, int start) {
        int i = start;
        while (i < bytes.length && bytes[i] == '>') {
            i++;
        }
        return i + 5 <= bytes.length && bytes[i] == 'F' && bytes[i + 1] == 'r' && bytes[i + 2] == 'o'
                && bytes[i + 3] == 'm' && bytes[i + 4] == ' ';
    }

    private static SplittableRandom random(long n) {
        return new SplittableRandom(n * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] ascii(String... texts) {
        byte[][] bytes = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            bytes[i] = ascii(texts[i]);
        }
        return bytes;
    }
}
