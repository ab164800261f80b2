package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.file.Path;

/** Another smtp-monitor holds the lock of the mailbox directory (see {@link DirectoryLock}). */
public final class DirectoryInUseException extends IOException {

    DirectoryInUseException(Path directory, String ownerPid) {
        super("another smtp-monitor" + (ownerPid.isEmpty() ? "" : " (process " + ownerPid + ")")
                + " is using the mailbox directory " + directory + ": stop it first, or give this one another"
                + " --mailbox-dir (" + directory.resolve(AppendJournal.DIRECTORY).resolve(DirectoryLock.FILE)
                + " is locked while a server runs)");
    }
}
