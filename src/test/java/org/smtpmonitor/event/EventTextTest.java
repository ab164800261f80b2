package org.smtpmonitor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

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

    @Test
    void aNewMailboxAndAReadUsersFileAreServerWide() {
        MailboxAdded added = new MailboxAdded("erin@example.com", AT);
        assertEquals("New mailbox erin@example.com", EventText.of(added));
        assertEquals(0, EventText.sessionOf(added));
        Path file = Path.of("users.txt");
        assertEquals("Users file users.txt read again: added erin@example.com, *@catch.test; removed bob@example.com",
                EventText.of(new UsersFileChanged(file, List.of("erin@example.com", "*@catch.test"),
                        List.of("bob@example.com"), null, AT)));
        assertEquals("Users file users.txt read again: removed bob@example.com", EventText.of(new UsersFileChanged(
                file, List.of(), List.of("bob@example.com"), null, AT)));
        assertEquals("Users file users.txt read again: no user added or removed", EventText.of(new UsersFileChanged(
                file, List.of(), List.of(), null, AT)));
        UsersFileChanged bad = new UsersFileChanged(file, List.of(), List.of(),
                "users.txt:2: 'x@@y' is not an address: more than one '@'", AT);
        assertEquals("Users file not applied, the previous list kept: users.txt:2: 'x@@y' is not an address: more than"
                + " one '@'", EventText.of(bad));
        assertEquals(0, EventText.sessionOf(bad));
    }
}
