package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageOrder;
import org.smtpmonitor.message.MessageOrder.Key;
import org.smtpmonitor.testing.RealMail;
import org.smtpmonitor.testing.TestMonitor;
import org.testfx.api.FxToolkit;

/**
 * The message list sorted by the index, page after page: 450 messages sent by Angus Mail
 * are listed in the order the store gives, which is the order of their subjects or sizes
 * across the three pages, not of each page alone.
 */
class MessageListSortTest {

    static final String ALICE = "alice@example.com";
    static final int MESSAGES = 2 * MessageListViewModel.PAGE + 50;

    @TempDir
    Path directory;
    TestMonitor monitor;
    MailboxDirectory mail;
    final MessageListViewModelTest.HeldTasks background = new MessageListViewModelTest.HeldTasks();
    /** The subjects sent, in the order sent. */
    final List<String> subjects = new ArrayList<>();

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory);
        String[] words = {"apple", "Banana", "cherry", "Date", "elder", "FIG", "grape"};
        Random random = new Random(7);
        List<RealMail.Letter> letters = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            // Every seventh subject is one sent before: ties are listed in the order stored.
            String subject = i % 7 == 6 ? subjects.get(random.nextInt(subjects.size()))
                    : words[random.nextInt(words.length)] + " " + random.nextInt(1000);
            subjects.add(subject);
            letters.add(new RealMail.Letter("sender" + i % 13 + "@test.org", ALICE, subject,
                    "x".repeat(random.nextInt(3000)) + "\n"));
        }
        RealMail.send(monitor.address(), letters);
        monitor.monitor().store().awaitIndexed();
        mail = monitor.monitor().mail();
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    /** The list of alice's mailbox in {@code order}, every page loaded as the user scrolls. */
    private List<MessageSummary> listAll(MessageOrder order) throws Exception {
        MessageListViewModel list = fx(() -> new MessageListViewModel(mail, null, background));
        fx(() -> {
            list.mailboxProperty().set(new MailboxRow(ALICE, monitor.mailbox(ALICE)));
            list.sort(order, 0);
            return null;
        });
        background.runAll();
        assertEquals(MessageListViewModel.PAGE + 1, (int) fx(() -> list.rows().size()), "one page and a row for more");
        for (int page = 2; page <= 3; page++) {
            fx(() -> {
                list.loadMore();
                return null;
            });
            background.runAll();
        }
        List<MessageSummary> rows = fx(() -> List.copyOf(list.rows()));
        assertTrue(rows.stream().allMatch(MessageSummary::isMessage), "everything is listed");
        assertEquals(MESSAGES, rows.size());
        return rows;
    }

    private List<Long> storeOrder(MessageOrder order) throws Exception {
        return mail.messages(ALICE, order, 0, MESSAGES + 1).stream().map(IndexedMessage::id).toList();
    }

    @Test
    void bySubjectTheThreePagesAreTheStoresOrderWhichIsTheSubjectsSortedIgnoringCase() throws Exception {
        MessageOrder order = new MessageOrder(Key.SUBJECT, false);
        List<MessageSummary> rows = listAll(order);
        assertEquals(storeOrder(order), rows.stream().map(MessageSummary::id).toList());
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            sent.add(i);
        }
        // Stable: equal subjects stay in the order they were sent.
        sent.sort(Comparator.comparing(i -> subjects.get(i).toLowerCase(Locale.ROOT)));
        assertEquals(sent.stream().map(subjects::get).toList(), rows.stream().map(MessageSummary::subject).toList());
    }

    @Test
    void bySizeLargestFirstTheThreePagesAreTheStoresOrder() throws Exception {
        MessageOrder order = new MessageOrder(Key.SIZE, true);
        List<MessageSummary> rows = listAll(order);
        assertEquals(storeOrder(order), rows.stream().map(MessageSummary::id).toList());
        for (int i = 1; i < rows.size(); i++) {
            MessageSummary before = rows.get(i - 1);
            MessageSummary after = rows.get(i);
            assertTrue(before.size() > after.size() || before.size() == after.size() && before.id() > after.id(),
                    "row " + i + ": " + before + " then " + after);
        }
        assertFalse(rows.get(0).size() == rows.get(rows.size() - 1).size(), "the sizes differ");
    }

    @Test
    void aResortReachesTheMessageToKeepAndANewOrderWhileOneIsReadWins() throws Exception {
        MessageOrder bySubject = new MessageOrder(Key.SUBJECT, true);
        long last = storeOrder(bySubject).get(MESSAGES - 1);
        MessageListViewModel list = fx(() -> new MessageListViewModel(mail, null, background));
        fx(() -> {
            list.mailboxProperty().set(new MailboxRow(ALICE, monitor.mailbox(ALICE)));
            return null;
        });
        background.runAll();
        fx(() -> {
            list.sort(new MessageOrder(Key.SIZE, false), 0);
            list.sort(bySubject, last);
            return null;
        });
        background.runAll();
        List<Long> ids = fx(() -> list.rows().stream().filter(MessageSummary::isMessage).map(MessageSummary::id)
                .toList());
        assertEquals(storeOrder(bySubject), ids, "as far as the last message, the one to keep: all of them");
        assertEquals(bySubject, fx(() -> list.orderProperty().get()));
    }
}
