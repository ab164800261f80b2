package org.smtpmonitor.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Catch-all lines of the users file: {@code *@domain}, and a clear "file:line: reason" for every bad one. */
class UsersFileCatchAllTest {

    @TempDir
    Path directory;

    private Path write(String content) throws IOException {
        return Files.writeString(directory.resolve("users.txt"), content, StandardCharsets.UTF_8);
    }

    private void refused(String content, int line, String reason) throws IOException {
        Path file = write(content);
        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.read(file, "localhost"));
        assertEquals(file + ":" + line + ": " + reason, e.getMessage());
        assertEquals(line, e.line());
        assertEquals(reason, e.reason());
    }

    @Test
    void starAtDomainLinesAreCatchAllsInLowerCaseBesideTheUsers() throws Exception {
        Recipients recipients = UsersFile.read(write("alice@example.com\n*@Catch.TEST\n# note\n*@other.test\nbob\n"),
                "localhost");
        assertEquals(List.of(new User("alice@example.com", 1), new User("bob@localhost", 5)), recipients.users());
        assertEquals(Set.of("catch.test", "other.test"), recipients.catchAll().domains());
        assertFalse(recipients.catchAll().everyDomain());
        assertTrue(recipients.catchAll().accepts("catch.test"));
        assertFalse(recipients.catchAll().accepts("example.com"));
        assertEquals(List.of(new User("alice@example.com", 1), new User("bob@localhost", 5)),
                UsersFile.load(directory.resolve("users.txt"), "localhost"), "load gives the users alone");
    }

    @Test
    void aFileOfCatchAllLinesAloneIsAUsersFile() throws Exception {
        Recipients recipients = UsersFile.read(write("*@catch.test\n"), "localhost");
        assertEquals(List.of(), recipients.users());
        assertEquals(Set.of("catch.test"), recipients.catchAll().domains());
    }

    @Test
    void starInsideANameIsAnOrdinaryAddress() throws Exception {
        assertEquals(List.of(new User("a*b@example.com", 1)), UsersFile.read(write("a*b@example.com\n"), "x").users());
    }

    @Test
    void aStarAloneIsRefusedSayingHowToWriteACatchAll() throws Exception {
        refused("alice@example.com\n*\n", 2, "'*' is not a catch-all: write '*@domain' (as in '*@example.com') to"
                + " accept every address of a domain; a name cannot start with '*'");
    }

    @Test
    void aNameStartingWithAStarIsRefused() throws Exception {
        refused("*x@example.com\n", 1, "'*x@example.com' is not a catch-all: write '*@domain' (as in"
                + " '*@example.com') to accept every address of a domain; a name cannot start with '*'");
    }

    @Test
    void aCatchAllTakesNoPassword() throws Exception {
        refused("alice@example.com pw\n*@example.com secret\n", 2,
                "'*@example.com' is a catch-all, which takes no password: only a listed user can authenticate");
    }

    @Test
    void theSameDomainTwiceIsRefusedIgnoringCase() throws Exception {
        refused("*@example.com\nalice@example.com\n*@EXAMPLE.com\n", 3,
                "'*@EXAMPLE.com' is already a catch-all (line 1); domains are compared ignoring case");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*@|'*@' is not a catch-all: the domain is empty",
            "*@a..b|'*@a..b' is not a catch-all: the domain 'a..b' has an empty part",
            "*@-x.test|'*@-x.test' is not a catch-all: a part of the domain '-x.test' starts or ends with '-'",
            "*@a@b.test|'*@a@b.test' is not a catch-all: more than one '@'",
            "*@x_y.test|'*@x_y.test' is not a catch-all: '_' cannot be in a domain",
            "*@b\u00fccher.test|'*@b\u00fccher.test' is not a catch-all: the domain must be ASCII (write an"
                    + " internationalized domain as its xn-- form)",
            "*@a/b|'*@a/b' holds '/', which cannot be in a mailbox file name",
            "*@x\u202e.test|'*@x\\u202e.test' holds an invisible formatting character (such as a bidi mark) at U+202E",
    })
    void aBadCatchAllDomainNamesTheLineAndTheReason(String line, String reason) throws Exception {
        refused("alice@example.com\n" + line + "\n", 2, reason);
    }

    @Test
    void anInternationalizedDomainIsWrittenAsItsALabel() throws Exception {
        assertEquals(Set.of("xn--bcher-kva.test"), UsersFile.read(write("*@xn--bcher-kva.test\n"), "x")
                .catchAll().domains());
    }
}
