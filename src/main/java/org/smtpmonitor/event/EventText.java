package org.smtpmonitor.event;

import java.net.InetSocketAddress;

import org.smtpmonitor.smtp.TlsInfo;

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
        } else if (event instanceof TlsStarted e) {
            return tls(e.tls());
        } else if (event instanceof TlsFailed e) {
            return "-- TLS failed: " + e.reason();
        } else if (event instanceof RuleApplied e) {
            return "-- rule \"" + e.rule() + "\" applied: " + e.action();
        } else if (event instanceof ClientWarning e) {
            return "-- warning: " + e.text();
        } else if (event instanceof TlsReady e) {
            return "TLS certificate SHA-256 " + e.fingerprint() + ", " + e.certificate()
                    + (e.implicitTlsAddress() == null ? "" : "; implicit TLS on " + address(e.implicitTlsAddress()));
        } else if (event instanceof MailboxAdded e) {
            return "New mailbox " + e.address();
        } else if (event instanceof UsersFileChanged e) {
            return usersFileChanged(e);
        }
        return event.toString();
    }

    /**
     * {@code Users file users.txt read again: added erin@example.com; removed bob@example.com},
     * or, when it did not apply, {@code Users file not applied, the previous list kept: users.txt:3: REASON}.
     */
    private static String usersFileChanged(UsersFileChanged e) {
        if (e.problem() != null) {
            return "Users file not applied, the previous list kept: " + e.problem();
        }
        StringBuilder text = new StringBuilder("Users file ").append(e.file()).append(" read again: ");
        if (e.added().isEmpty() && e.removed().isEmpty()) {
            return text.append("no user added or removed").toString();
        }
        if (!e.added().isEmpty()) {
            text.append("added ").append(String.join(", ", e.added()));
        }
        if (!e.removed().isEmpty()) {
            text.append(e.added().isEmpty() ? "" : "; ").append("removed ").append(String.join(", ", e.removed()));
        }
        return text.toString();
    }

    /**
     * A session's TLS as its transcript shows it: {@code -- TLS 1.3 TLS_AES_128_GCM_SHA256},
     * then {@code SNI name} when the client sent one.
     */
    public static String tls(TlsInfo tls) {
        return "-- " + tlsProtocol(tls.protocol()) + " " + tls.cipher()
                + (tls.serverName().isEmpty() ? "" : " SNI " + tls.serverName());
    }

    /** A TLS protocol as people write it: {@code TLS 1.3} for the JDK's {@code TLSv1.3}. */
    public static String tlsProtocol(String jdkName) {
        return jdkName.startsWith("TLSv") ? "TLS " + jdkName.substring(4) : jdkName;
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
        } else if (event instanceof TlsStarted e) {
            return e.sessionId();
        } else if (event instanceof TlsFailed e) {
            return e.sessionId();
        } else if (event instanceof RuleApplied e) {
            return e.sessionId();
        } else if (event instanceof ClientWarning e) {
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
