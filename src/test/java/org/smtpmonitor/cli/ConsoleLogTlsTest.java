package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.SessionClosed;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.TlsFailed;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.smtp.TlsInfo;

/** What the headless log says of TLS: the certificate at start, each session's handshake, each failure. */
class ConsoleLogTlsTest {

    private static final Instant AT = Instant.parse("2026-11-24T07:05:09.042Z");

    private static List<String> logged(SessionEvent... events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleLog(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(List.of(events));
        // Without the time of day.
        return bytes.toString(StandardCharsets.UTF_8).lines().map(line -> line.substring(13)).toList();
    }

    @Test
    void theCertificateAndEachHandshakeAreLogged() {
        assertEquals(List.of(
                "TLS certificate SHA-256 AB:CD, self-signed for localhost, kept in .smtp-monitor/tls",
                "TLS certificate SHA-256 AB:CD, from cert.pem; implicit TLS on 127.0.0.1:465",
                "[3] -- TLS 1.3 TLS_AES_128_GCM_SHA256",
                "[4] -- TLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 SNI mail.example.test",
                "[5] -- TLS failed: Unsupported or unrecognized SSL message",
                "[5] Closed (TLS error)"), logged(
                new TlsReady(null, "self-signed for localhost, kept in .smtp-monitor/tls", "AB:CD", AT),
                new TlsReady(new InetSocketAddress("127.0.0.1", 465), "from cert.pem", "AB:CD", AT),
                new TlsStarted(3, new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", ""), AT),
                new TlsStarted(4, new TlsInfo("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "mail.example.test"), AT),
                new TlsFailed(5, "Unsupported or unrecognized SSL message", AT),
                new SessionClosed(5, SessionClosed.Reason.TLS_FAILED, AT)));
    }

    @Test
    void whatTheClientNamedIsLoggedEscapedNeverRaw() {
        assertEquals(List.of(
                "[3] -- TLS 1.3 TLS_AES_128_GCM_SHA256 SNI evil\\x1b[2J\\u202e.test",
                "[4] -- TLS failed: Illegal server name, name=x\\x0d\\x0a12:00:00.000 [1] forged"), logged(
                new TlsStarted(3, new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256", "evil\u001b[2J\u202e.test"), AT),
                new TlsFailed(4, "Illegal server name, name=x\r\n12:00:00.000 [1] forged", AT)));
    }

    @Test
    void tlsEventsBelongToTheirSession() {
        assertEquals(3, EventText.sessionOf(new TlsStarted(3, new TlsInfo("TLSv1.3", "X", ""), AT)));
        assertEquals(4, EventText.sessionOf(new TlsFailed(4, "why", AT)));
        assertEquals(0, EventText.sessionOf(new TlsReady(null, "from cert.pem", "AB", AT)));
    }
}
