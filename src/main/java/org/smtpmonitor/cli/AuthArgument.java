package org.smtpmonitor.cli;

import java.util.function.Function;

import org.smtpmonitor.client.Credentials;

/**
 * The value of {@code --auth}: {@code USER:PASS}, or {@code USER} alone with the password in
 * the environment variable {@value #PASSWORD_VARIABLE}. A command line is seen by every user
 * of the machine ({@code ps}); a process's environment is not, which is how a CI job hands
 * over a secret.
 */
final class AuthArgument {

    static final String PASSWORD_VARIABLE = "SMTP_MONITOR_PASSWORD";

    private AuthArgument() {
    }

    /**
     * The credentials {@code value} names, the password looked up in {@code environment}
     * when it holds no colon.
     *
     * @throws IllegalArgumentException saying what is wrong, never with the password in it
     */
    static Credentials credentials(String value, Function<String, String> environment) {
        if (value.indexOf(':') >= 0) {
            return Credentials.parse(value);
        }
        String password = environment.apply(PASSWORD_VARIABLE);
        if (password == null) {
            throw new IllegalArgumentException("no password for " + value + ": give USER:PASS, or USER with the"
                    + " password in the environment variable " + PASSWORD_VARIABLE
                    + " (which, unlike a command line, other users of this machine cannot see)");
        }
        return new Credentials(value, password);
    }
}
