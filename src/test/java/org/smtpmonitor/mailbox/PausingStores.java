package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/** Stores on the real disk that run a hook of the test's before each sync of the mailbox directory. */
public final class PausingStores {

    private PausingStores() {
    }

    /**
     * A store, created and with its index open, whose directory syncs first run
     * {@code beforeDirectorySync}: a delete syncs the directory right after its new file takes
     * the mailbox's name, and before the index follows it.
     */
    public static MailboxStore open(Path directory, MailboxFormat format, List<User> users,
                                    Runnable beforeDirectorySync) throws IOException {
        Disk disk = new Disk() {
            @Override
            public void sync(FileChannel channel) throws IOException {
                channel.force(false);
            }

            @Override
            public void syncDirectory(Path dir) throws IOException {
                beforeDirectorySync.run();
                Disk.super.syncDirectory(dir);
            }
        };
        MailboxStore store = new MailboxStore(directory, format, users, "localhost", disk, problem -> { });
        store.createMailboxes();
        store.openIndex();
        return store;
    }
}
