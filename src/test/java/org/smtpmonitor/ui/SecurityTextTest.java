package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.TlsCertificate;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.message.Arrival;

/** The words for how a message came (the envelope's "Security") and for the server's certificate (the status bar). */
class SecurityTextTest {

    private static final String FINGERPRINT = "B1:DA:3A:C8:31:87:E9:40:17:AB:58:6A:02:3B:4E:47:AF:64:CA:B6:E9:EA:C9:D5"
            + ":E9:3B:0B:83:77:09:4D:51";

    @Test
    void anEnvelopeSaysOverWhichTlsAndAfterWhichAuthOrThatItIsNotKnown() {
        assertEquals("TLS 1.3 TLS_AES_128_GCM_SHA256 \u00b7 AUTH PLAIN alice@example.com", Inspected.Envelope.security(
                Arrival.of("TLSv1.3", "TLS_AES_128_GCM_SHA256", "PLAIN", "alice@example.com")));
        assertEquals("TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Inspected.Envelope.security(
                Arrival.of("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "", "")));
        assertEquals("in the clear", Inspected.Envelope.security(Arrival.of("", "", "", "")));
        assertEquals("in the clear \u00b7 AUTH LOGIN bob\\x1b[31m", Inspected.Envelope.security(
                Arrival.of("", "", "LOGIN", "bob\u001b[31m")), "--allow-insecure-auth; what the client named is escaped");
        assertEquals("(not known)", Inspected.Envelope.security(Arrival.UNKNOWN), "indexed before, or found by a rescan");
    }

    @Test
    void theStatusBarShortensTheFingerprintAndNamesTheImplicitTlsPortWhileTheServerRuns() {
        TlsCertificate.Summary certificate = new TlsCertificate.Summary(FINGERPRINT, "CN=localhost",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"), "from cert.pem");
        assertEquals("TLS SHA-256 B1:DA:3A:C8\u20264D:51", TlsStatus.text(null, certificate));
        TlsReady ready = new TlsReady(new InetSocketAddress("127.0.0.1", 4650), "from cert.pem", FINGERPRINT, Instant.EPOCH);
        assertEquals("TLS SHA-256 B1:DA:3A:C8\u20264D:51 \u00b7 implicit on 127.0.0.1:4650",
                TlsStatus.text(ready, certificate));
        assertEquals(String.join("\n", "The server's TLS certificate", "SHA-256 " + FINGERPRINT, "Subject CN=localhost",
                "Valid 2026-01-01 00:00 UTC to 2027-01-01 00:00 UTC (expired)", "from cert.pem",
                "Implicit TLS on 127.0.0.1:4650"), TlsStatus.details(ready, certificate, Instant.parse("2027-02-01T00:00:00Z")));
        assertEquals("Not offered now: the server is stopped",
                TlsStatus.details(null, certificate, Instant.EPOCH).lines().reduce((a, b) -> b).orElseThrow());
    }
}
