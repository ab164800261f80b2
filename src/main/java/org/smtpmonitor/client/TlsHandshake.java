package org.smtpmonitor.client;

/**
 * What a TLS handshake with a server gave: the protocol and cipher suite agreed, the
 * server's certificate (its subject as the server wrote it: to be escaped before it is
 * shown), and how long the handshake took.
 */
public record TlsHandshake(String protocol, String cipherSuite, String certificateSubject, Fingerprint fingerprint,
                           long nanos) {

    /** {@code TLS 1.3 TLS_AES_128_GCM_SHA256, certificate CN=localhost, SHA-256 ab:cd:...}. */
    public String summary() {
        return protocolName() + " " + cipherSuite + ", certificate " + certificateSubject + ", SHA-256 " + fingerprint;
    }

    /** {@code TLS 1.3} for the JDK's {@code TLSv1.3}. */
    public String protocolName() {
        return protocol.startsWith("TLSv") ? "TLS " + protocol.substring(4) : protocol;
    }
}
