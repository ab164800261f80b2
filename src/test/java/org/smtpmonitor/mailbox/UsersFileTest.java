package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smtpmonitor.testing.ExternalProcess;

/** The users file: what it accepts, and a clear "file:line: reason" for everything it refuses. */
class UsersFileTest {

    @TempDir
    Path directory;

    private Path write(String content) throws IOException {
        return write(content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(byte[] content) throws IOException {
        Path file = directory.resolve("users.txt");
        Files.write(file, content);
        return file;
    }

    private List<User> load(String content) throws Exception {
        return UsersFile.load(write(content), "localhost");
    }

    /** Loads a users file that must be refused, and checks the message says file, line and reason. */
    private UsersFileException refused(Path file, int line, String reason) {
        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(file, "localhost"));
        assertEquals(file + (line > 0 ? ":" + line : "") + ": " + reason, e.getMessage());
        assertEquals(file, e.file());
        assertEquals(line, e.line());
        assertEquals(reason, e.reason());
        return e;
    }

    @Test
    void fullAddressesAndBareNamesInFileOrderWithTheirLines() throws Exception {
        List<User> users = UsersFile.load(write("alice@example.com\nbob\nCarol@Example.COM\n"), "example.org");
        assertEquals(List.of(new User("alice@example.com", 1), new User("bob@example.org", 2),
                new User("Carol@Example.COM", 3)), users);
        assertEquals("bob@example.org.txt", users.get(1).mailboxFileName());
    }

    @Test
    void bareNameGetsLocalhostByDefault() throws Exception {
        assertEquals(List.of(new User("alice@localhost", 1)), load("alice"));
    }

    @Test
    void commentsBlankLinesAndSurroundingBlanksAreSkipped() throws Exception {
        List<User> users = load("# the test users\n\n   \n  # indented comment\n\t alice@example.com \t\r\n"
                + "\r\n  bob  \r\n# bob@example.com is not a user, just a comment\n");
        assertEquals(List.of(new User("alice@example.com", 5), new User("bob@localhost", 7)), users);
    }

    @Test
    void utf8ByteOrderMarkIsIgnored() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "alice@example.com\nbob@example.com\n".getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, content, 0, 3);
        System.arraycopy(text, 0, content, 3, text.length);
        assertEquals(List.of(new User("alice@example.com", 1), new User("bob@example.com", 2)),
                UsersFile.load(write(content), "localhost"));
    }

    @Test
    void lastLineWithoutNewlineCounts() throws Exception {
        assertEquals(List.of(new User("alice@example.com", 1), new User("bob@example.com", 2)),
                load("alice@example.com\nbob@example.com"));
    }

    @Test
    void missingFileIsRefused() {
        refused(directory.resolve("nowhere.txt"), 0, "no such file");
    }

    @Test
    void directoryIsRefused() {
        refused(directory, 0, "is a directory, not a users file");
    }

    @Test
    void unreadableFileIsRefused() throws Exception {
        Path file = write("alice@example.com\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        // root reads any file, whatever its permissions: then there is nothing to test here.
        assumeFalse(Files.isReadable(file), "running as root: a file without read permission is still readable");
        refused(file, 0, "cannot be read: permission denied");
    }

    @Test
    void textThatIsNotUtf8IsRefusedAtItsLine() throws Exception {
        Path file = write(new byte[] {'a', '@', 'x', '.', 'c', 'o', '\n', '#', '\n', 'b', (byte) 0xE9, '\n', 'c', '\n'});
        refused(file, 3, "not UTF-8 text");
    }

    @Test
    void fileWithoutUsersIsRefused() throws Exception {
        refused(write("# nobody here\n\n   \n"), 0, "no users: every line is blank or a comment");
        refused(write(""), 0, "no users: every line is blank or a comment");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bob@@example.com  | 'bob@@example.com' is not an address: more than one '@'",
        "@example.com      | '@example.com' is not an address: nothing before '@'",
        "bob@              | 'bob@' is not an address: no domain after '@'",
        "bob.@example.com  | 'bob.@example.com' is not an address: the name ends with a dot",
        "bob@example_x.com | 'bob@example_x.com' is not an address: '_' cannot be in a domain",
        "bob@-example.com  | 'bob@-example.com' is not an address: a part of the domain '-example.com' starts or ends with '-'",
        "bob@example.com.  | 'bob@example.com.' is not an address: the domain 'example.com.' has an empty part",
        "bob(x)@example.com| 'bob(x)@example.com' is not an address: '(' cannot be in a name",
        "jörg@exämple.com  | 'jörg@exämple.com' is not an address: the domain must be ASCII (write an internationalized domain as its xn-- form)",
        "bob\u00a0smith    | 'bob\u00a0smith' holds a blank: one user a line",
    })
    void malformedAddressIsRefusedAtItsLine(String entry, String reason) throws Exception {
        refused(write("alice@example.com\n# comment\n" + entry + "\n"), 3, reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a/b@example.com   | 'a/b@example.com' holds '/', which cannot be in a mailbox file name",
        "../etc/passwd     | '../etc/passwd' holds '/', which cannot be in a mailbox file name",
        "a\\b@example.com  | 'a\\b@example.com' holds '\\', which cannot be in a mailbox file name",
        "a..b@example.com  | 'a..b@example.com' holds '..', which cannot be in a mailbox file name",
        "ab@example..com   | 'ab@example..com' holds '..', which cannot be in a mailbox file name",
        ".alice@example.com| '.alice@example.com' starts with a dot, which would make a hidden mailbox file",
        ".profile          | '.profile' starts with a dot, which would make a hidden mailbox file",
    })
    void nameThatIsNotASafeFileNameIsRefused(String entry, String reason) throws Exception {
        refused(write("alice@example.com\n" + entry + "\n"), 2, reason);
    }

    @Test
    void controlCharacterIsRefusedAndShownEscaped() throws Exception {
        UsersFileException e = refused(write("al\u0007ice@example.com\n"), 1, "'al\\x07ice@example.com' holds a control character");
        assertNoRawControlOrBidi(e.getMessage());
        refused(write("bob\u001b[31m@example.com\n"), 1, "'bob\\x1b[31m@example.com' holds a control character");
    }

    @Test
    void c1ControlAndBidiOverrideAreShownEscapedNeverRaw() throws Exception {
        UsersFileException c1 = refused(write("alice@example.com\nbob\u009b31m@example.com\n"), 2,
                "'bob\\x9b31m@example.com' holds a control character");
        assertNoRawControlOrBidi(c1.getMessage());
        // U+202E turns the rest of the line around: "moc.elpmaxe@evil" would read "evil@example.com".
        UsersFileException bidi = refused(write("\u202emoc.elpmaxe@evil\n"), 1,
                "'\\u202emoc.elpmaxe@evil' holds an invisible formatting character (such as a bidi mark) at U+202E");
        assertNoRawControlOrBidi(bidi.getMessage());
    }

    @Test
    void fileNameIsShownEscapedInTheMessage() throws Exception {
        Path file = directory.resolve("users\u001b]0;x\u0007.txt");
        Files.writeString(file, "# nobody\n");
        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(file, "localhost"));
        assertNoRawControlOrBidi(e.getMessage());
        assertTrue(e.getMessage().contains("users\\x1b]0;x\\x07.txt: no users"), e.getMessage());
    }

    private static void assertNoRawControlOrBidi(String text) {
        assertTrue(text.chars().noneMatch(c -> Character.isISOControl(c) || c == 0x202e), text);
    }

    @Test
    void domainLabelOfMoreThan63CharactersIsRefused() throws Exception {
        String label63 = "a".repeat(63);
        assertEquals(List.of(new User("bob@" + label63 + ".example.com", 1)),
                load("bob@" + label63 + ".example.com\n"), "63 characters is the most RFC 1035 allows, and allowed");
        String domain = "x." + "b".repeat(64) + ".example.com";
        refused(write("alice@example.com\nbob@" + domain + "\n"), 2, "'bob@" + domain + "' is not an address: a part of the domain '"
                + domain + "' is longer than 63 characters");
        assertEquals("a part of the domain '" + "c".repeat(64) + "' is longer than 63 characters",
                UsersFile.checkDomain("c".repeat(64)));
    }

    @Test
    void fifoIsRefusedWithoutBeingOpened() throws Exception {
        Path fifo = directory.resolve("users.fifo");
        ExternalProcess.run(directory, List.of("mkfifo", fifo.toString()), 10);
        // Opening a FIFO for reading waits for a writer, which never comes: the load must not open it.
        UsersFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(UsersFileException.class, () -> UsersFile.load(fifo, "localhost")));
        assertEquals(fifo + ": is not a regular file", e.getMessage());
    }

    @Test
    void duplicateIgnoringCaseIsRefusedNamingTheFirstLine() throws Exception {
        refused(write("alice@example.com\nbob@example.com\nAlice@EXAMPLE.com\n"), 3,
                "'Alice@EXAMPLE.com' is already a user (line 1); addresses are compared ignoring case");
    }

    @Test
    void bareNameAndItsFullAddressAreDuplicates() throws Exception {
        refused(write("carol\n\ncarol@LOCALHOST\n"), 3,
                "'carol@LOCALHOST' is already a user (line 1); addresses are compared ignoring case");
    }
}
