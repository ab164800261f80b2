package org.smtpmonitor.smtp;

import java.time.Duration;

/**
 * How a server treats SMTP AUTH (RFC 4954).
 *
 * @param mode              which credentials are accepted, if AUTH is offered at all
 * @param required          MAIL before a successful AUTH gets {@code 530 5.7.0}
 * @param allowInsecure     AUTH is offered in the clear too, not only over TLS: passwords then cross
 *                          the network readable (fine on 127.0.0.1, not beyond)
 * @param firstFailureDelay how long the reply to a session's first failed AUTH is held back; each
 *                          further failure waits twice as long as the one before
 * @param maxFailures       the failure that closes the session with a 421 (after its delay)
 */
public record AuthPolicy(AuthMode mode, boolean required, boolean allowInsecure, Duration firstFailureDelay,
                         int maxFailures) {

    /** One second, as Postfix's smtpd_error_sleep_time: a person does not notice, a password guesser does. */
    public static final Duration DEFAULT_FIRST_FAILURE_DELAY = Duration.ofSeconds(1);
    /** Three guesses a connection: enough for a typo, and a guesser must reconnect. */
    public static final int DEFAULT_MAX_FAILURES = 3;
    /** AUTH not offered. */
    public static final AuthPolicy OFF = of(AuthMode.OFF, false, false);

    public AuthPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("an AUTH mode is needed (off, any or users)");
        }
        if (required && mode == AuthMode.OFF) {
            throw new IllegalArgumentException("authentication cannot be required while AUTH is off");
        }
        if (firstFailureDelay.isNegative()) {
            throw new IllegalArgumentException("the delay after a failed AUTH cannot be negative");
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("at least one failed AUTH must be allowed before the session closes");
        }
    }

    /** With the default delays and number of failures. */
    public static AuthPolicy of(AuthMode mode, boolean required, boolean allowInsecure) {
        return new AuthPolicy(mode, required, allowInsecure, DEFAULT_FIRST_FAILURE_DELAY, DEFAULT_MAX_FAILURES);
    }

    /** The delay before the reply to the session's {@code failures}-th failed AUTH: 1 s, 2 s, 4 s... */
    public Duration delayAfter(int failures) {
        return firstFailureDelay.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 16));
    }
}
