package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * How often the message list and the mailbox counts ask the index: the index reports
 * changes up to 20 times a second under a flood, and each costs at most one query per
 * 250 ms, none while one runs. Time is given to {@code pulse}; the background executor
 * holds its tasks until the test runs them.
 */
class MessageListViewModelTest {

    static final long MS = 1_000_000L;
    static final String ALICE = "alice@example.com";

    @TempDir
    Path directory;
    TestMonitor monitor;
    MailboxDirectory mail;
    final HeldTasks background = new HeldTasks();

    /** An executor that runs nothing until told to. */
    static final class HeldTasks implements Executor {
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int size() {
            return tasks.size();
        }

        /** Runs the tasks held (here, as the background thread would), then lets the FX thread take their outcome. */
        void runAll() {
            List<Runnable> now;
            synchronized (this) {
                now = new ArrayList<>(tasks);
                tasks.clear();
            }
            now.forEach(Runnable::run);
            WaitForAsyncUtils.waitForFxEvents();
        }
    }

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory);
        try (RawSmtpClient client = monitor.ehloClient()) {
            client.mail("me@test.org", ALICE, "Subject: one\n\nbody");
        }
        monitor.monitor().store().awaitIndexed();
        mail = monitor.monitor().mail();
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    @Test
    void manyChangesOfTheListedMailboxCostOneReloadPer250MsAndNoneWhileOneRuns() throws Exception {
        MessageListViewModel list = fx(() -> new MessageListViewModel(mail, null, background));
        MailboxRow alice = new MailboxRow(ALICE, monitor.mailbox(ALICE));
        fx(() -> {
            list.mailboxProperty().set(alice);
            return null;
        });
        assertEquals(1, background.size(), "the first page is asked for");
        fx(() -> {
            for (int i = 0; i < 20; i++) {
                list.changed(Set.of(ALICE));
                list.pulse(i * 50 * MS);
            }
            return null;
        });
        assertEquals(1, background.size(), "no reload while the first page is read");
        background.runAll();
        assertEquals(1, (int) fx(() -> list.rows().size()));

        long t = 10_000 * MS;
        int asked = fx(() -> {
            for (int i = 0; i < 20; i++) {
                list.changed(Set.of(ALICE, "bob@example.com"));
            }
            list.pulse(t);
            list.changed(Set.of(ALICE));
            list.pulse(t + 16 * MS);
            return background.size();
        });
        assertEquals(1, asked, "twenty changes, two pulses: one reload");
        background.runAll();
        asked = fx(() -> {
            list.changed(Set.of(ALICE));
            list.pulse(t + 200 * MS);
            return background.size();
        });
        assertEquals(0, asked, "not within 250 ms of the last reload");
        asked = fx(() -> {
            list.pulse(t + 250 * MS);
            return background.size();
        });
        assertEquals(1, asked, "the change waited for its turn");
        background.runAll();

        asked = fx(() -> {
            list.changed(Set.of("bob@example.com"));
            list.pulse(t + 10_000 * MS);
            return background.size();
        });
        assertEquals(0, asked, "a change to a mailbox not listed costs nothing");
    }

    @Test
    void typingIsSearchedOnceItPauses() throws Exception {
        MessageListViewModel list = fx(() -> new MessageListViewModel(mail, null, background));
        int asked = fx(() -> {
            for (String typed : List.of("o", "on", "one")) {
                list.queryProperty().set(typed);
            }
            return background.size();
        });
        assertEquals(0, asked, "nothing is searched while the user types");
        await("the search runs once typing pauses", () -> background.size() == 1);
        background.runAll();
        assertEquals(List.of("one"), fx(() -> list.rows().stream().map(MessageSummary::subject).toList()));
        assertEquals(0, background.size(), "one search for three keystrokes");
    }

    @Test
    void manyChangesCostOneCountOfTheMailboxesPer250Ms() throws Exception {
        MonitorViewModel model = new MonitorViewModel();
        List<String> problems = new ArrayList<>();
        MailboxCounts counts = new MailboxCounts(mail, background, model, problems::add);
        fx(() -> {
            for (int i = 0; i < 20; i++) {
                counts.changed();
                counts.pulse(i * 10 * MS);
            }
            return null;
        });
        assertEquals(1, background.size(), "one count, none more while it runs");
        background.runAll();
        assertEquals(1, (int) fx(() -> (int) model.mailboxes().get(0).messagesProperty().get()));
        int asked = fx(() -> {
            counts.changed();
            counts.pulse(240 * MS);
            return background.size();
        });
        assertEquals(0, asked, "not within 250 ms of the last count");
        asked = fx(() -> {
            counts.pulse(250 * MS);
            return background.size();
        });
        assertEquals(1, asked);
        assertEquals(List.of(), problems);
    }
}
