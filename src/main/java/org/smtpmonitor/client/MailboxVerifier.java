package org.smtpmonitor.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts, in a mailbox file, the {@code X-Bench-Id: <runId>-<n>} headers of one benchmark
 * run: which of the ids 1..N arrived, which are missing, and how many arrived more than once.
 *
 * <p>The file is streamed in blocks (a mailbox after a long run may be hundreds of MB) and
 * matched byte by byte at the start of each line, so raw mailboxes (CRLF) and mbox ones
 * (LF, a {@code From } line before each message) read the same. Headers of other runs are
 * skipped.
 */
public final class MailboxVerifier {

    /** What was found: every id once is {@link #verified()}. */
    public record Result(long found, long missing, long duplicates) {
        public boolean verified() {
            return missing == 0 && duplicates == 0;
        }
    }

    private final byte[] prefix;
    private final int last;

    /** A verifier for ids 1..{@code last} of run {@code runId}. */
    public MailboxVerifier(String runId, int last) {
        this.prefix = ("X-Bench-Id: " + runId + "-").getBytes(StandardCharsets.US_ASCII);
        this.last = last;
    }

    public Result verify(Path mailbox) throws IOException {
        try (InputStream in = Files.newInputStream(mailbox)) {
            return verify(in);
        }
    }

    public Result verify(InputStream in) throws IOException {
        byte[] seen = new byte[last + 1]; // times each id was seen, stopping at 2
        long duplicates = 0;
        byte[] buffer = new byte[1 << 16];
        // matched: bytes of the prefix matched on this line so far; -1 skips to the next line.
        int matched = 0;
        long number = -1; // the digits after the prefix, -1 before the first
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (number >= 0) {
                    if (b >= '0' && b <= '9') {
                        number = Math.min(number * 10 + (b - '0'), Long.MAX_VALUE / 100);
                        continue;
                    }
                    duplicates += count(seen, number, b);
                    number = -1;
                    matched = b == '\n' ? 0 : -1;
                } else if (b == '\n') {
                    matched = 0;
                } else if (matched >= 0) {
                    if (b == prefix[matched]) {
                        matched++;
                        if (matched == prefix.length) {
                            number = 0;
                            matched = -1;
                        }
                    } else {
                        matched = -1;
                    }
                }
            }
        }
        if (number >= 0) {
            duplicates += count(seen, number, (byte) '\n');
        }
        long found = 0;
        for (int id = 1; id <= last; id++) {
            if (seen[id] > 0) {
                found++;
            }
        }
        return new Result(found, last - found, duplicates);
    }

    /**
     * Records one id ended by {@code end}; returns 1 when it is a duplicate. An id followed by
     * more than a line end or blanks is not one of ours, nor is one outside 1..last (a run
     * never writes those), so they are not counted.
     */
    private int count(byte[] seen, long number, byte end) {
        boolean endsLine = end == '\r' || end == '\n' || end == ' ' || end == '\t';
        if (!endsLine || number < 1 || number > last) {
            return 0;
        }
        int id = (int) number;
        if (seen[id] == 0) {
            seen[id] = 1;
            return 0;
        }
        return 1;
    }
}
