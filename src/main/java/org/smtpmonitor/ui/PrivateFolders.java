package org.smtpmonitor.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The window's own folders inside the mailbox directory (dragged messages, copies to open):
 * made step by step, never through a symbolic link, which could lead a write out of the
 * mailbox directory. File I/O: call it off the FX thread.
 */
final class PrivateFolders {

    private PrivateFolders() {
    }

    /** {@code relative} under {@code mailboxDirectory}, made if need be; refuses a link at any step. */
    static Path make(Path mailboxDirectory, Path relative) throws IOException {
        Path folder = mailboxDirectory.toAbsolutePath().normalize();
        for (Path step : relative) {
            folder = folder.resolve(step);
            if (Files.isSymbolicLink(folder)) {
                throw new IOException(folder + " is a symbolic link; smtp-monitor writes only inside the mailbox directory");
            }
            Files.createDirectories(folder);
        }
        return folder;
    }
}
