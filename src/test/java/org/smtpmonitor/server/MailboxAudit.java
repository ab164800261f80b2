package org.smtpmonitor.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smtpmonitor.mailbox.MailboxFormat;

/**
 * Reads one mailbox of the crash test, and the {@code .torn} file beside it, back into
 * {@link NumberedMessages}, accounting for every byte. In the mailbox every byte must
 * belong to a complete message, exactly as regenerated; what cannot be is a problem (a
 * torn message, or a torn message with later mail glued on). In the {@code .torn} file
 * every byte must belong to a fragment: a prefix (at most the whole) of some message.
 */
final class MailboxAudit {

    private static final Pattern RAW_START = Pattern.compile("X-Test-Seq: (\\d+)\r\n");
    private static final Pattern MBOX_START = Pattern.compile(
            "From s(\\d+)@crash\\.test (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                    + " [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\n");
    /** The start of a message cut short: what can be told of a fragment that ends inside it. */
    private static final Pattern RAW_START_CUT = Pattern.compile("X-Test-Seq: \\d*\r?");
    private static final Pattern MBOX_START_CUT = Pattern.compile("From s(\\d+)(@[a-z.]*( [A-Za-z0-9: ]*)?)?");
    private static final int MAX_HEADER = 80;
    private static final int MAX_PROBLEMS = 10;

    final String address;
    final MailboxFormat format;
    /** Message number to how many complete copies the mailbox holds. */
    final Map<Long, Integer> complete = new TreeMap<>();
    /** The message of each fragment in the {@code .torn} file; -1 when it is too short to tell. */
    final List<Long> tornFragments = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    long mailboxBytes;
    long tornBytes;

    private MailboxAudit(String address, MailboxFormat format) {
        this.address = address;
        this.format = format;
    }

    static MailboxAudit of(Path directory, String address, MailboxFormat format) throws IOException {
        MailboxAudit audit = new MailboxAudit(address, format);
        Path mailbox = directory.resolve(address + ".txt");
        audit.readMailbox(map(mailbox), mailbox.getFileName().toString());
        Path torn = directory.resolve(address + ".txt.torn");
        if (Files.exists(torn)) {
            audit.readTorn(map(torn), torn.getFileName().toString());
        }
        return audit;
    }

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new AssertionError(file + " is over 2 GB; the test wrote far more than it should");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
    }

    private void readMailbox(ByteBuffer file, String name) {
        mailboxBytes = file.limit();
        int offset = 0;
        while (offset < file.limit()) {
            Start start = start(file, offset);
            if (start == null) {
                int next = nextStart(file, offset + 1);
                problem(name + ": bytes " + offset + ".." + next + " do not begin a message: " + snippet(file, offset));
                offset = next;
                continue;
            }
            byte[] expected = expected(start.n);
            int body = offset + start.length;
            int available = file.limit() - body;
            int agreed = agreement(file, body, expected);
            if (agreed == expected.length) {
                complete.merge(start.n, 1, Integer::sum);
                offset = body + expected.length;
                continue;
            }
            int next = nextStart(file, offset + 1);
            String what = name + ": message " + start.n + " at " + offset + " (" + expected.length + " bytes after its "
                    + (format == MailboxFormat.MBOX ? "From line" : "start") + ") ";
            if (agreed == available) {
                problem(what + "is cut short after " + agreed + " bytes, at the end of the file: a torn tail");
            } else if (body + agreed == next) {
                problem(what + "is cut short after " + agreed + " bytes, and the next message starts right there: "
                        + "a torn fragment merged with later mail");
            } else {
                problem(what + "differs from what was sent at its byte " + agreed + ": " + snippet(file, body + agreed));
            }
            offset = next;
        }
    }

    private void readTorn(ByteBuffer file, String name) {
        tornBytes = file.limit();
        int offset = 0;
        while (offset < file.limit()) {
            int next = nextStart(file, offset + 1);
            Long n = fragmentOf(file, offset, next);
            if (n == null) {
                problem(name + ": bytes " + offset + ".." + next + " are not a fragment of any message: " + snippet(file, offset));
            } else {
                tornFragments.add(n);
            }
            offset = next;
        }
    }

    /**
     * The message whose beginning is the fragment {@code [from, to)} (-1 when the fragment
     * is too short to tell), or null if it is no such thing. A fragment may be followed,
     * before {@code to}, by one too short to hold a start that {@link #nextStart} finds.
     */
    private Long fragmentOf(ByteBuffer file, int from, int to) {
        String head = ascii(file, from, Math.min(to, from + MAX_HEADER));
        Matcher numbered = (format == MailboxFormat.RAW ? RAW_START : MBOX_START).matcher(head);
        if (!numbered.lookingAt()) {
            if (to - from >= MAX_HEADER || !isStartCutShort(head)) {
                return null;
            }
            // The sender's number is whole once the '@' after it is there.
            Matcher cut = MBOX_START_CUT.matcher(head);
            return format == MailboxFormat.MBOX && cut.matches() && cut.group(2) != null ? Long.parseLong(cut.group(1)) : -1L;
        }
        long n = Long.parseLong(numbered.group(1));
        byte[] expected = expected(n);
        int body = format == MailboxFormat.RAW ? from : from + numbered.end();
        int agreed = agreement(file.duplicate().limit(to), body, expected);
        for (int cut = to; cut >= Math.max(body, to - MAX_HEADER); cut--) {
            if (body + agreed >= cut && (cut == to || isStartCutShort(ascii(file, cut, to)))) {
                if (cut < to) {
                    tornFragments.add(-1L);
                }
                return n;
            }
        }
        return null;
    }

    /** True for the beginning of a message's start, too short to say which message. */
    private boolean isStartCutShort(String text) {
        String start = format == MailboxFormat.RAW ? "X-Test-Seq: " : "From s";
        Pattern cut = format == MailboxFormat.RAW ? RAW_START_CUT : MBOX_START_CUT;
        return start.startsWith(text) || text.length() < MAX_HEADER && cut.matcher(text).matches();
    }

    /** What follows the start {@link #start} reads: the whole message in raw, all after the From line in mbox. */
    private byte[] expected(long n) {
        byte[] content = NumberedMessages.content(n);
        return format == MailboxFormat.RAW ? content : NumberedMessages.mboxBody(content);
    }

    private record Start(long n, int length) {
    }

    /** The message that starts at {@code offset}, and the length of its From line (0 in raw); null if none does. */
    private Start start(ByteBuffer file, int offset) {
        Matcher matcher = (format == MailboxFormat.RAW ? RAW_START : MBOX_START)
                .matcher(ascii(file, offset, Math.min(file.limit(), offset + MAX_HEADER)));
        if (!matcher.lookingAt()) {
            return null;
        }
        return new Start(Long.parseLong(matcher.group(1)), format == MailboxFormat.RAW ? 0 : matcher.end());
    }

    /**
     * Where the next thing that looks like the start of a message begins, at or after
     * {@code from}; the end of the file if nothing does. A message's own lines never look
     * like one (see {@link NumberedMessages}).
     */
    private int nextStart(ByteBuffer file, int from) {
        byte[] start = (format == MailboxFormat.RAW ? "X-Test-Seq: " : "From s").getBytes(StandardCharsets.US_ASCII);
        int last = file.limit() - start.length - 1;
        for (int i = from; i <= last; i++) {
            if (file.get(i) == start[0] && file.slice(i, start.length).equals(ByteBuffer.wrap(start))
                    && Character.isDigit(file.get(i + start.length))) {
                return i;
            }
        }
        return file.limit();
    }

    /** How many bytes from {@code offset} on agree with the start of {@code expected}. */
    private static int agreement(ByteBuffer file, int offset, byte[] expected) {
        int length = Math.min(expected.length, file.limit() - offset);
        int mismatch = file.slice(offset, length).mismatch(ByteBuffer.wrap(expected, 0, length));
        return mismatch < 0 ? length : mismatch;
    }

    private static String ascii(ByteBuffer file, int from, int to) {
        byte[] bytes = new byte[to - from];
        file.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String snippet(ByteBuffer file, int offset) {
        String text = ascii(file, offset, Math.min(file.limit(), offset + 60));
        return "'" + text.replace("\r", "\\r").replace("\n", "\\n") + "'";
    }

    private void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        } else if (problems.size() == MAX_PROBLEMS) {
            problems.add("(more problems left out)");
        }
    }
}
