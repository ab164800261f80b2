package org.smtpmonitor.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/** Turns what went wrong on a connection into one sentence for the person at the console. */
public final class ConnectionProblem {

    private ConnectionProblem() {
    }

    /** Why {@link SmtpConnection#open} failed, naming the host and port. */
    public static String ofConnecting(IOException e, String host, int port, Duration timeout) {
        String where = host + ":" + port;
        if (e instanceof UnknownHostException) {
            return "unknown host '" + host + "'";
        }
        if (e instanceof SocketTimeoutException) {
            return "cannot connect to " + where + ": no answer within " + format(timeout);
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof ConnectException && reason.toLowerCase(Locale.ROOT).contains("refused")) {
            return "cannot connect to " + where + ": connection refused (is an SMTP server listening there?)";
        }
        return "cannot connect to " + where + ": " + reason;
    }

    /** What broke an open session. */
    public static String ofSession(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return "no reply from the server within " + format(timeout);
        }
        if (e instanceof EOFException || e instanceof SmtpProtocolException || e instanceof SessionRefused
                || e instanceof TlsException) {
            return e.getMessage();
        }
        return "connection lost: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** {@code 30s}, {@code 1500ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
