package org.smtpmonitor.event;

import java.net.InetSocketAddress;

/**
 * The words for each event, in one place: the console's log and the window's transcript
 * notes say the same thing the same way. The text is not escaped: whoever prints it
 * escapes what came from outside (see {@code org.smtpmonitor.text.Printable}).
 */
public final class EventText {

    private EventText() {
    }

    /**
     * What happened, without the session's tag, such as {@code Connection from 127.0.0.1:40000},
     * {@code C: MAIL FROM:<a@x>}, {@code Delivered Q.1: 12 bytes from <a@x> to alice@example.com},
     * {@code -- AUTH PLAIN alice@example.com} or {@code Closed (quit)}.
     */
    public static String of(SessionEvent event) {
        if (event instanceof LineReceived e) {
            return "C: " + e.text();
        } else if (event instanceof ReplySent e) {
            return "S: " + e.text();
        } else if (event instanceof SessionOpened e) {
            return "Connection from " + address(e.client());
        } else if (event instanceof SessionClosed e) {
            return "Closed (" + e.reason().label() + ")";
        } else if (event instanceof MessageDelivered e) {
            return "Delivered " + e.queueId() + ": " + e.size() + " bytes from <" + e.sender() + "> to "
                    + String.join(", ", e.recipients());
        } else if (event instanceof ServerError e) {
            return "Error: " + e.message();
        } else if (event instanceof ServerStarted e) {
            return "Waiting for connections on " + address(e.address());
        } else if (event instanceof ServerStopped) {
            return "Server stopped";
        } else if (event instanceof SessionAuthenticated e) {
            return "-- AUTH " + e.mechanism() + " " + e.user();
        }
        return event.toString();
    }

    /** The session the event belongs to, or 0 when it concerns the whole server. */
    public static long sessionOf(SessionEvent event) {
        if (event instanceof LineReceived e) {
            return e.sessionId();
        } else if (event instanceof ReplySent e) {
            return e.sessionId();
        } else if (event instanceof SessionOpened e) {
            return e.sessionId();
        } else if (event instanceof SessionClosed e) {
            return e.sessionId();
        } else if (event instanceof MessageDelivered e) {
            return e.sessionId();
        } else if (event instanceof ServerError e) {
            return e.sessionId();
        } else if (event instanceof SessionAuthenticated e) {
            return e.sessionId();
        }
        return 0;
    }

    /** {@code host:port} with the host as a numeric address where there is one; {@code ?} for none. */
    public static String address(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return host + ":" + address.getPort();
    }
}
