package org.smtpmonitor.server;

/**
 * Told, once, that the server failed while running: one of its threads died (out of
 * memory, say). By then the server has stopped; the program that runs it should report
 * the failure and end, rather than go on half alive.
 */
@FunctionalInterface
public interface FatalErrorListener {

    /**
     * @param message which thread died and why, for a person to read
     * @param cause   what ended the thread
     */
    void serverFailed(String message, Throwable cause);
}
