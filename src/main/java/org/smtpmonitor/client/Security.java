package org.smtpmonitor.client;

/**
 * How a client secures its sessions: TLS (and with which {@link TlsClient}: its trust), and
 * AUTH with which credentials and mechanism (null: the best the server offers).
 *
 * @param tls         null only with {@link TlsMode#NONE}
 * @param credentials null for no AUTH
 * @param mechanism   null to choose from the server's EHLO
 */
public record Security(TlsMode mode, TlsClient tls, Credentials credentials, AuthMechanism mechanism) {

    /** In the clear, without AUTH. */
    public static final Security NONE = new Security(TlsMode.NONE, null, null, null);

    public Security {
        if (mode != TlsMode.NONE && tls == null) {
            throw new IllegalArgumentException(mode + " needs a TLS client");
        }
        if (mechanism != null && credentials == null) {
            throw new IllegalArgumentException("a mechanism without credentials");
        }
    }

    /** True when the session must authenticate. */
    public boolean authenticates() {
        return credentials != null;
    }
}
