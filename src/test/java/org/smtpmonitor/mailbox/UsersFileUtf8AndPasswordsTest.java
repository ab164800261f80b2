package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The users file's newer syntax: a password after the address, for SMTP AUTH, and UTF-8
 * names (RFC 6531) that still make safe mailbox file names; and the store's lookups of both.
 */
class UsersFileUtf8AndPasswordsTest {

    @TempDir
    Path directory;

    private List<User> load(String content) throws Exception {
        Path file = Files.writeString(directory.resolve("users.txt"), content, StandardCharsets.UTF_8);
        return UsersFile.load(file, "localhost");
    }

    private UsersFileException refused(String content) throws IOException {
        Path file = Files.writeString(directory.resolve("users.txt"), content, StandardCharsets.UTF_8);
        return assertThrows(UsersFileException.class, () -> UsersFile.load(file, "localhost"));
    }

    @Test
    void passwordIsTheRestOfTheLineAfterTheAddressWithInnerSpacesKept() throws Exception {
        List<User> users = load("alice@example.com s3cret\nbob\t pass word  \ncarol\n# dave secret\n");
        assertEquals(List.of(new User("alice@example.com", 1, "s3cret"), new User("bob@localhost", 2, "pass word"),
                new User("carol@localhost", 3, null)), users);
    }

    @Test
    void aPasswordIsNeverPartOfAnErrorOrOfAUsersText() throws Exception {
        for (String content : List.of("alice@@example.com hunter2\n", "alice@example.com one\nALICE@example.com hunter2\n",
                ".alice hunter2\n", "a/b@example.com hunter2\n", "alice@example.com hun\u0007ter2\n")) {
            UsersFileException e = refused(content);
            assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("hun\\x07ter2"), e.getMessage());
        }
        assertEquals("the password of 'alice@example.com' holds a control character",
                refused("alice@example.com hun\u0007ter2\n").reason());
        String text = load("alice@example.com hunter2\n").get(0).toString();
        assertFalse(text.contains("hunter2"), text);
        assertTrue(text.contains("alice@example.com"), text);
    }

    @Test
    void utf8NameIsReadComposedAndItsFileNamedSo() throws Exception {
        // "jörg" with the ö written as o and a combining diaeresis.
        List<User> users = load("jo\u0308rg@example.com\n\u0909\u092A\u092F\u094B\u0917\u0915\u0930\u094D\u0924\u093E@example.com\n"
                + "\u7528\u6237@example.com s\u00e9same\n");
        assertEquals("j\u00f6rg@example.com", users.get(0).address());
        assertEquals("j\u00f6rg@example.com.txt", users.get(0).mailboxFileName());
        assertTrue(Normalizer.isNormalized(users.get(1).mailboxFileName(), Normalizer.Form.NFC));
        assertEquals(new User("\u7528\u6237@example.com", 3, "s\u00e9same"), users.get(2));
    }

    @Test
    void namesThatDifferOnlyInCompositionOrCaseAreOneUser() throws Exception {
        assertEquals("'j\u00f6rg@example.com' is already a user (line 1); addresses are compared ignoring case",
                refused("j\u00f6rg@example.com\njo\u0308rg@example.com\n").reason());
        assertEquals("'\u0391\u039b\u0399\u039a\u0397@example.com' is already a user (line 1); addresses are compared"
                + " ignoring case", refused("\u03b1\u03bb\u03b9\u03ba\u03b7@example.com\n\u0391\u039b\u0399\u039a\u0397@example.com\n")
                .reason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bo\u200fb@example.com  | holds an invisible formatting character (such as a bidi mark) at U+200F",
        "bo\u200db@example.com  | holds an invisible formatting character (such as a bidi mark) at U+200D",
        "bo\u2066b@example.com  | holds an invisible formatting character (such as a bidi mark) at U+2066",
        "bob\ufe0f@example.com  | is not an address: '\ufe0f' cannot be in a name",
        "\u0301bob@example.com  | is not an address: the name starts with a combining mark",
        "a\uff0fb@example.com   | is not an address: '\uff0f' cannot be in a name",
        "a\u2024\u2024b@example.com | is not an address: '\u2024' cannot be in a name",
        "a\u2215b@example.com   | is not an address: '\u2215' cannot be in a name",
        "a\ue000b@example.com   | is not an address: '\ue000' cannot be in a name",
        "a\u3000b@example.com   | holds a blank: one user a line",
        "a\u0085b@example.com   | holds a control character",
    })
    void utf8NameThatCouldHideOrMisleadIsRefused(String entry, String reason) throws Exception {
        UsersFileException e = refused("alice@example.com\n" + entry + "\n");
        assertEquals(2, e.line());
        assertTrue(e.reason().endsWith(reason), e.reason());
        assertTrue(e.getMessage().chars().noneMatch(c -> Character.isISOControl(c) || c == 0x200f || c == 0x2066),
                "shown escaped: " + e.getMessage());
    }

    @Test
    void nameOfMoreThan64BytesOfUtf8IsRefused() throws Exception {
        String cjk21 = "\u7528".repeat(21);
        assertEquals(cjk21 + "@example.com", load(cjk21 + "@example.com\n").get(0).address(), "63 bytes");
        assertTrue(refused("\u7528".repeat(22) + "@example.com\n").reason()
                .endsWith("is not an address: the name is longer than 64 bytes"));
    }

    @Test
    void longUtf8AddressGetsAFileNameOfWholeCharactersUnder240Bytes() {
        String domain = ("d".repeat(60) + ".").repeat(3) + "example.com";
        User one = new User("\u7528".repeat(21) + "@" + domain, 1);
        User two = new User("\u7528".repeat(20) + "x@" + domain, 2);
        for (User user : List.of(one, two)) {
            String name = user.mailboxFileName();
            assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= User.MAX_FILE_NAME, name);
            assertTrue(name.matches("\u7528+[^~]*~[0-9a-f]{16}\\.txt"), name);
            assertTrue(user.address().startsWith(name.substring(0, name.indexOf('~'))), "a whole-character prefix: " + name);
        }
        assertNotEquals(one.mailboxFileName(), two.mailboxFileName());
    }

    @Test
    void storeFindsUtf8UsersComposedInAnyCaseAndByTheirUnicodeDomain() throws Exception {
        List<User> users = load("j\u00f6rg@example.com joerg-pw\npel\u00e9@xn--bcher-kva.example\nalice\n");
        Path mail = directory.resolve("mail");
        try (MailboxStore store = new MailboxStore(mail, MailboxFormat.RAW, users, "localhost")) {
            store.createMailboxes();
            assertEquals("j\u00f6rg@example.com", store.findUser("JO\u0308RG@Example.com"));
            assertEquals("pel\u00e9@xn--bcher-kva.example", store.findUser("PEL\u00c9@b\u00fccher.example"));
            assertNull(store.findUser("pel\u00e9@b\u00fccher.invalid"));
            assertNull(store.findUser("pel\u00e9@\u00fc..example"));
            assertEquals("joerg-pw", store.passwordOf("j\u00f6rg@example.com"));
            assertNull(store.passwordOf("alice@localhost"));
            assertNull(store.passwordOf("nobody@localhost"));
            try (Stream<Path> files = Files.list(mail)) {
                assertEquals(List.of(".smtp-monitor", "alice@localhost.txt", "j\u00f6rg@example.com.txt",
                        "pel\u00e9@xn--bcher-kva.example.txt"), files.map(f -> f.getFileName().toString()).sorted().toList());
            }
        }
    }
}
