package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.smtp.Envelope;
import org.smtpmonitor.smtp.StoredCopy;

/** The mailbox files: creation, appending, rollback of a failed delivery. */
class MailboxStoreTest {

    private static final List<User> USERS = List.of(new User("alice@example.com", 1), new User("bob@example.com", 2),
            new User("carol@localhost", 3));

    @TempDir
    Path directory;

    private MailboxStore store(Path dir) throws IOException {
        MailboxStore store = new MailboxStore(dir, MailboxFormat.RAW, USERS, "localhost");
        store.createMailboxes();
        return store;
    }

    private static Envelope envelope(String... recipients) {
        return new Envelope("Q.1", "client.test", "a@client.test", List.of(recipients));
    }

    private static List<StoredCopy> deliver(MailboxStore store, String text, String... recipients) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        return store.deliver(envelope(recipients), data, data.length);
    }

    private String read(String address) throws IOException {
        return Files.readString(directory.resolve(address + ".txt"), StandardCharsets.ISO_8859_1);
    }

    @Test
    void createsTheDirectoryAndAnEmptyFilePerUser() throws Exception {
        Path nested = directory.resolve("a/b/mail");
        store(nested);
        for (User user : USERS) {
            Path file = nested.resolve(user.address() + ".txt");
            assertTrue(Files.isRegularFile(file), file.toString());
            assertEquals(0, Files.size(file));
        }
        try (var files = Files.list(nested)) {
            assertEquals(List.of(".smtp-monitor"), files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.endsWith(".txt")).toList(), "nothing but the mailboxes and the store's own directory");
        }
    }

    @Test
    void existingMailboxIsKeptAsItIs() throws Exception {
        byte[] old = {'o', 'l', 'd', (byte) 0xff, '\r'};
        Files.write(directory.resolve("bob@example.com.txt"), old);
        MailboxStore store = store(directory);
        assertArrayEquals(old, Files.readAllBytes(directory.resolve("bob@example.com.txt")));
        deliver(store, "new\n", "bob@example.com");
        assertEquals("old\u00ff\rnew\n", read("bob@example.com"));
    }

    @Test
    void mailboxPathThatIsADirectoryIsRefusedAtStart() throws Exception {
        Files.createDirectory(directory.resolve("bob@example.com.txt"));
        IOException e = assertThrows(IOException.class, () -> store(directory));
        assertTrue(e.getMessage().contains("bob@example.com.txt") && e.getMessage().contains("not a regular file"),
                e.getMessage());
    }

    @Test
    void mailboxDirectoryThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(directory.resolve("plain"), "x");
        IOException e = assertThrows(IOException.class, () -> store(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        IOException under = assertThrows(IOException.class, () -> store(file.resolve("sub")));
        assertTrue(under.getMessage().contains(file.resolve("sub").toString()), under.getMessage());
    }

    @Test
    void messagesAreAppendedInOrderAndOnlyTheGivenLengthIsStored() throws Exception {
        MailboxStore store = store(directory);
        deliver(store, "one\r\n", "alice@example.com");
        deliver(store, "two\r\n", "alice@example.com");
        byte[] buffer = "three\r\nGARBAGE".getBytes(StandardCharsets.US_ASCII);
        store.deliver(envelope("alice@example.com"), buffer, 7);
        assertEquals("one\r\ntwo\r\nthree\r\n", read("alice@example.com"));
    }

    @Test
    void everyRecipientGetsACopyAndTheCopiesSayWhere() throws Exception {
        MailboxStore store = store(directory);
        deliver(store, "first\n", "bob@example.com");
        List<StoredCopy> copies = deliver(store, "shared\n", "carol@localhost", "bob@example.com", "alice@example.com");
        assertEquals("shared\n", read("alice@example.com"));
        assertEquals("first\nshared\n", read("bob@example.com"));
        assertEquals("shared\n", read("carol@localhost"));
        assertEquals(3, copies.size());
        for (StoredCopy copy : copies) {
            assertEquals(store.mailboxFile(copy.recipient()), copy.mailbox());
            assertEquals(copy.recipient().equals("bob@example.com") ? 6 : 0, copy.offset(), copy.recipient());
            assertEquals(7, copy.length());
        }
    }

    @Test
    void usersAreFoundIgnoringCaseAndBareNamesTakeTheDefaultDomain() throws Exception {
        MailboxStore store = store(directory);
        assertEquals("alice@example.com", store.findUser("ALICE@example.COM"));
        assertEquals("carol@localhost", store.findUser("carol"));
        assertEquals("carol@localhost", store.findUser("Carol@LocalHost"));
        assertNull(store.findUser("alice"), "a bare name is a user of the default domain only");
        assertNull(store.findUser("dave@example.com"));
    }

    @Test
    void failedWriteRollsBackEveryMailboxAndThrows() throws Exception {
        Files.writeString(directory.resolve("alice@example.com.txt"), "alice's old mail\n");
        MailboxStore store = store(directory);
        deliver(store, "bob's old mail\n", "bob@example.com");
        // carol's mailbox is written last (copies go in address order), after alice's and bob's.
        Path carol = directory.resolve("carol@localhost.txt");
        Files.delete(carol);
        Files.createDirectory(carol);

        assertThrows(IOException.class, () -> deliver(store, "doomed\n", "alice@example.com", "bob@example.com",
                "carol@localhost"));
        assertEquals("alice's old mail\n", read("alice@example.com"));
        assertEquals("bob's old mail\n", read("bob@example.com"));
        assertTrue(Files.isDirectory(carol));

        // Once the mailbox can be written again, delivery works again.
        Files.delete(carol);
        deliver(store, "later\n", "alice@example.com", "carol@localhost");
        assertEquals("alice's old mail\nlater\n", read("alice@example.com"));
        assertEquals("later\n", Files.readString(carol));
    }

    @Test
    void unknownRecipientIsAProgrammingErrorAndWritesNothing() throws Exception {
        MailboxStore store = store(directory);
        assertThrows(IllegalArgumentException.class, () -> deliver(store, "x\n", "alice@example.com", "dave@example.com"));
        assertEquals("", read("alice@example.com"));
    }

    @Test
    void aMailboxDeletedWhileRunningIsCreatedAgainByTheNextMessage() throws Exception {
        MailboxStore store = store(directory);
        deliver(store, "first\r\n", "alice@example.com");
        Files.delete(directory.resolve("alice@example.com.txt"));
        List<StoredCopy> copies = deliver(store, "second\r\n", "alice@example.com");
        assertEquals("second\r\n", read("alice@example.com"));
        assertEquals(0, copies.get(0).offset());
    }

    @Test
    void aMailboxReplacedWhileRunningGetsTheNextMessageAtItsEnd() throws Exception {
        MailboxStore store = store(directory);
        deliver(store, "first\r\n", "alice@example.com");
        Path replacement = directory.resolve("replacement");
        Files.writeString(replacement, "kept by the user\n");
        Files.move(replacement, directory.resolve("alice@example.com.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<StoredCopy> copies = deliver(store, "second\r\n", "alice@example.com");
        assertEquals("kept by the user\nsecond\r\n", read("alice@example.com"));
        assertEquals(17, copies.get(0).offset());
    }

    @Test
    void aMailboxEmptiedWhileRunningGetsTheNextMessageAtItsStart() throws Exception {
        MailboxStore store = store(directory);
        deliver(store, "first\r\n", "alice@example.com");
        Files.write(directory.resolve("alice@example.com.txt"), new byte[0]);
        deliver(store, "second\r\n", "alice@example.com");
        assertEquals("second\r\n", read("alice@example.com"));
    }
}
