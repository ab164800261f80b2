package org.smtpmonitor.event;

import java.time.Instant;

/**
 * Something that happened in the server: one immutable record per kind of thing.
 * Listeners (the console log, the window) subscribe to these through an {@link EventBus}.
 */
public sealed interface SessionEvent
        permits ServerStarted, ServerStopped, SessionOpened, LineReceived, ReplySent,
                MessageDelivered, SessionClosed, ServerError, SessionAuthenticated, TlsReady, TlsStarted, TlsFailed,
                MailboxAdded, UsersFileChanged {

    Instant at();
}
