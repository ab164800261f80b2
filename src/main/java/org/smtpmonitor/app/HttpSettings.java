package org.smtpmonitor.app;

/**
 * The HTTP API: whether it runs, on which port, and the bearer token it asks for.
 *
 * @param port  the TCP port ({@code --http-port}; 0 for any free port), or -1 when the API is off
 * @param token the bearer token every request must carry ({@code --http-token}), or null for none
 */
public record HttpSettings(int port, String token) {

    /** No HTTP API: the default. */
    public static final HttpSettings OFF = new HttpSettings(-1, null);

    public HttpSettings {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException(port + " is not between 0 and 65535");
        }
        if (token != null && token.isEmpty()) {
            throw new IllegalArgumentException("the token is empty");
        }
    }

    public boolean enabled() {
        return port >= 0;
    }
}
