package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailboxVerifierTest {

    @TempDir
    Path directory;

    /** A raw mailbox: the messages as sent, one after another, CRLF. */
    private static String raw(String id) {
        return "From: <bench@localhost>\r\nTo: <alice@example.com>\r\nSubject: smtp-monitor bench\r\n"
                + "X-Bench-Id: " + id + "\r\n\r\nabcdefghij\r\nbcdefghijk\r\n";
    }

    /** An mbox (mboxrd) message: a From line, LF line ends, a blank line after. */
    private static String mbox(String id) {
        return "From bench@localhost Tue Nov 24 07:33:15 2026\nFrom: <bench@localhost>\nTo: <alice@example.com>\n"
                + "X-Bench-Id: " + id + "\n\nabcdefghij\n\n";
    }

    private MailboxVerifier.Result verify(String runId, int last, String content) throws IOException {
        Path file = directory.resolve("mailbox.txt");
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return new MailboxVerifier(runId, last).verify(file);
    }

    @Test
    void aCompleteRawMailboxIsVerified() throws IOException {
        StringBuilder content = new StringBuilder();
        for (int n = 1; n <= 100; n++) {
            content.append(raw("run1-" + String.format("%03d", n)));
        }
        MailboxVerifier.Result result = verify("run1", 100, content.toString());
        assertEquals(new MailboxVerifier.Result(100, 0, 0), result);
        assertTrue(result.verified());
    }

    @Test
    void aCompleteMboxMailboxIsVerified() throws IOException {
        StringBuilder content = new StringBuilder();
        for (int n = 10; n >= 1; n--) { // the order does not matter
            content.append(mbox("run1-" + n));
        }
        assertEquals(new MailboxVerifier.Result(10, 0, 0), verify("run1", 10, content.toString()));
    }

    @Test
    void missingMessagesAreCounted() throws IOException {
        String content = raw("run1-1") + raw("run1-2") + raw("run1-4");
        MailboxVerifier.Result result = verify("run1", 5, content);
        assertEquals(new MailboxVerifier.Result(3, 2, 0), result);
        assertFalse(result.verified());
    }

    @Test
    void duplicatesAreCounted() throws IOException {
        String content = raw("run1-1") + raw("run1-2") + raw("run1-2") + raw("run1-3") + raw("run1-2");
        MailboxVerifier.Result result = verify("run1", 3, content);
        assertEquals(new MailboxVerifier.Result(3, 0, 2), result);
        assertFalse(result.verified());
    }

    @Test
    void otherRunsAndLookAlikesAreNotCounted() throws IOException {
        String content = raw("run0-1") + raw("run1-1") + raw("run12-2") + raw("xrun1-2") + mbox("run1-2")
                + "a body line: X-Bench-Id: run1-3\r\n"   // not at the start of a line
                + "X-Bench-Id: run1-3x\r\n"                // not a number
                + "X-Bench-Id: run1-\r\n"
                + "X-Bench-Id: run1-99\r\n"                // outside 1..last
                + raw("other-3");
        assertEquals(new MailboxVerifier.Result(2, 1, 0), verify("run1", 3, content));
    }

    @Test
    void headersAcrossTheReadBufferBoundaryAreFound() throws IOException {
        StringBuilder content = new StringBuilder();
        int n = 0;
        // Messages of 97 bytes never line up with 64 KB blocks: some headers are cut by a block end.
        while (content.length() < 3 * 65536) {
            n++;
            content.append(String.format("X-Bench-Id: run1-%06d\r\n%s\r\n", n, "y".repeat(62)));
        }
        assertEquals(new MailboxVerifier.Result(n, 0, 0), verify("run1", n, content.toString()));
    }

    @Test
    void theLastLineNeedsNoLineEnd() throws IOException {
        assertEquals(new MailboxVerifier.Result(2, 0, 0), verify("r", 2, "X-Bench-Id: r-1\nX-Bench-Id: r-2"));
    }

    @Test
    void anEmptyMailboxMissesEverything() throws IOException {
        assertEquals(new MailboxVerifier.Result(0, 7, 0), verify("run1", 7, ""));
    }
}
