package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.TestApi;

/** The curl line Copy curl puts on the clipboard: one a POSIX shell runs as it is. */
class ApiStatusTest {

    @Test
    void aMailboxIsListedWithoutATokenWhenNoneIsSet() {
        assertEquals("curl -s 'http://127.0.0.1:8025/api/messages?mailbox=alice@example.com'",
                ApiStatus.curl("http://127.0.0.1:8025", null, "alice@example.com"));
    }

    @Test
    void withoutAMailboxTheMailboxesAreListed() {
        assertEquals("curl -s -H 'Authorization: Bearer t0k' 'http://127.0.0.1:8025/api/mailboxes'",
                ApiStatus.curl("http://127.0.0.1:8025", "t0k", null));
    }

    @Test
    void quotesInTheTokenAndOddAddressesCannotBreakOutOfTheShellWords() {
        assertEquals("curl -s -H 'Authorization: Bearer a'\\''b' "
                        + "'http://127.0.0.1:8025/api/messages?mailbox=o%27brien%26co%40example.com'",
                ApiStatus.curl("http://127.0.0.1:8025", "a'b", "o'brien&co@example.com"));
    }

    @TempDir
    Path directory;

    @Test
    void aMailboxWithAPlusIsListedByTheCopiedLine() throws Exception {
        // A '+' in a query is a space to the API (as in a form): the line must send it as %2B.
        Files.writeString(directory.resolve("users.txt"), "alice+tag@example.com\n");
        try (TestApi api = TestApi.start(directory)) {
            String line = ApiStatus.curl(api.api().url(), null, "alice+tag@example.com");
            String url = line.substring(line.lastIndexOf(" '") + 2, line.length() - 1);
            HttpResponse<String> response = api.http().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), line + " -> " + response.body());
        }
    }
}
