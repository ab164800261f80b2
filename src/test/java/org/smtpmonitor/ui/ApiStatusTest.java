package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

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
}
