package org.smtpmonitor.mailbox;

import java.util.List;

/**
 * Who mail is accepted for, as a users file says: its users, each with a mailbox, in the
 * order of the file, and its catch-all lines.
 */
public record Recipients(List<User> users, CatchAll catchAll) {

    public Recipients {
        users = List.copyOf(users);
    }

    /** Only these users. */
    public static Recipients of(List<User> users) {
        return new Recipients(users, CatchAll.NONE);
    }

    /** The same, with {@code catchAll} in place of the file's own. */
    public Recipients withCatchAll(CatchAll newCatchAll) {
        return new Recipients(users, newCatchAll);
    }
}
