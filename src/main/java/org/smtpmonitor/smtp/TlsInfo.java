package org.smtpmonitor.smtp;

/**
 * The TLS a session runs over, once its handshake is done: shown in the transcript and
 * the sessions list, and recorded with each message the session delivers.
 *
 * @param protocol   as the JDK names it, such as {@code TLSv1.3}
 * @param cipher     the cipher suite, such as {@code TLS_AES_128_GCM_SHA256}
 * @param serverName the name the client asked for (SNI), empty when it sent none
 */
public record TlsInfo(String protocol, String cipher, String serverName) {
}
