package org.smtpmonitor.client;

/** Whether and how a connection uses TLS. */
public enum TlsMode {
    /** In the clear (a person may still type STARTTLS in the interactive client). */
    NONE,
    /** STARTTLS after the first EHLO (RFC 3207), then EHLO again. */
    STARTTLS,
    /** TLS from the first byte, before the greeting (RFC 8314: port 465). */
    IMPLICIT
}
