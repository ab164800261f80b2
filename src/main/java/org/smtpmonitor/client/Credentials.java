package org.smtpmonitor.client;

/**
 * A user name and password for SMTP AUTH. The password is never part of what this object
 * says of itself: {@link #toString()} masks it, so no message or log can carry it by mistake.
 */
public record Credentials(String user, String password) {

    public Credentials {
        if (user.isEmpty()) {
            throw new IllegalArgumentException("the user name is empty");
        }
        if (hasLineBreakOrNul(user) || hasLineBreakOrNul(password)) {
            throw new IllegalArgumentException("a user name or password cannot hold a line break or NUL");
        }
    }

    /**
     * {@code USER:PASS}, split at the first colon: the password may hold colons, the user
     * name not.
     *
     * @throws IllegalArgumentException without the password in its message
     */
    public static Credentials parse(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected USER:PASS, found no ':'");
        }
        return new Credentials(userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
    }

    private static boolean hasLineBreakOrNul(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0;
    }

    @Override
    public String toString() {
        return user + ":****";
    }
}
