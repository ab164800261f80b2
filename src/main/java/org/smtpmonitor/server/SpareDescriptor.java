package org.smtpmonitor.server;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;

/**
 * A file descriptor held in reserve for the acceptor. A process out of descriptors cannot
 * even take a client off its backlog to tell it so: accept fails at once, and the client
 * waits. Giving up the spare makes room for exactly that one accept (the remedy libev's
 * documentation gives for accept's EMFILE). Any channel will do: it is never used, only
 * closed and opened again. Used by the acceptor thread only.
 */
final class SpareDescriptor implements AutoCloseable {

    private Channel spare;

    SpareDescriptor() {
        reclaim();
    }

    /** Closes the spare, if it is held, so that its descriptor can be used; true if it was. */
    boolean release() {
        if (spare == null) {
            return false;
        }
        close();
        return true;
    }

    /** Opens the spare again if it is not held; true if it is held now, false while descriptors are still short. */
    boolean reclaim() {
        if (spare == null) {
            try {
                spare = DatagramChannel.open();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (spare != null) {
            try {
                spare.close();
            } catch (IOException ignored) {
                // A descriptor that fails to close is freed all the same.
            }
            spare = null;
        }
    }
}
