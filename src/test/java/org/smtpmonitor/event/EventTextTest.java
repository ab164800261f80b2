package org.smtpmonitor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The words for events that the console and the window share. */
class EventTextTest {

    private static final Instant AT = Instant.parse("2026-11-24T07:05:09.042Z");

    @Test
    void aClientIsShownByNumericAddressAndPort() {
        assertEquals("Connection from 127.0.0.1:40000",
                EventText.of(new SessionOpened(3, new InetSocketAddress("127.0.0.1", 40000), AT)));
    }

    @Test
    void anUnresolvedOrMissingAddressIsStillShown() {
        assertEquals("Connection from mail.test:25",
                EventText.of(new SessionOpened(3, InetSocketAddress.createUnresolved("mail.test", 25), AT)));
        assertEquals("Connection from ?", EventText.of(new SessionOpened(3, null, AT)));
    }

    @Test
    void aLoginIsShownByMechanismAndUserInItsSession() {
        SessionAuthenticated login = new SessionAuthenticated(4, "CRAM-MD5", "alice@example.com", AT);
        assertEquals("-- AUTH CRAM-MD5 alice@example.com", EventText.of(login));
        assertEquals(4, EventText.sessionOf(login));
    }

    @Test
    void serverWideEventsBelongToNoSession() {
        assertEquals(0, EventText.sessionOf(new ServerError(0, "smtp-accept died", AT)));
        assertEquals(0, EventText.sessionOf(new ServerStopped(AT)));
        assertEquals(7, EventText.sessionOf(new ServerError(7, "disk full", AT)));
        assertEquals(7, EventText.sessionOf(new LineReceived(7, "NOOP", AT)));
    }
}
