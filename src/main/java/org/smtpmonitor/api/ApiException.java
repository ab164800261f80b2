package org.smtpmonitor.api;

/**
 * A request the API refuses: its HTTP status and the reason, which the client gets as
 * {@code {"error": "..."}}. Thrown by a route; the server answers it.
 */
final class ApiException extends Exception {

    private final int status;

    ApiException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String reason) {
        return new ApiException(400, reason);
    }

    static ApiException notFound(String reason) {
        return new ApiException(404, reason);
    }
}
