package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.smtpmonitor.text.Ascii;

/**
 * Reads a users file: one user a line, a full address ({@code alice@example.com}) or a
 * bare name ({@code alice}, given the default domain), and optionally, after a space or tab,
 * the user's password for SMTP AUTH ({@code alice@example.com s3cret}): the rest of the line,
 * spaces inside it kept. Blanks around a line are trimmed; blank lines and lines starting
 * with {@code #} are skipped.
 *
 * <p>The name before the {@code @} may be UTF-8 (RFC 6531): letters and digits of any script
 * and the combining marks that go with them; it is read in composed form (NFC). The domain
 * stays ASCII: an internationalized domain is written as its {@code xn--} A-label.
 *
 * <p>A line {@code *@example.com} is a catch-all: every address of that domain (compared
 * ignoring case) is accepted, each into a mailbox of its own made on its first delivery
 * (see {@link MailboxStore}). It takes no password; {@code *} alone, or a name that starts
 * with {@code *}, is refused. A listed user of the domain keeps its own line's spelling and
 * password.
 *
 * <p>Every user becomes a file name, so anything that could not be a safe one is refused
 * here, with the file, the line and the reason; a password is never part of a reason.
 */
public final class UsersFile {

    /** More than any list of test users; a bigger file is surely the wrong file. */
    static final long MAX_SIZE = 4L * 1024 * 1024;
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 253;
    /** RFC 1035 2.3.4: a label is at most 63 octets. */
    private static final int MAX_LABEL = 63;
    /** Characters RFC 5322 allows in an unquoted local part ("atext"), less '/', which no file name may hold. */
    private static final String LOCAL_SYMBOLS = "!#$%&'*+-=?^_`{|}~";

    private UsersFile() {
    }

    /** The users of {@code file} alone, without its catch-all lines (see {@link #read}). */
    public static List<User> load(Path file, String defaultDomain) throws UsersFileException {
        return read(file, defaultDomain).users();
    }

    /**
     * The users and catch-all lines of {@code file}; a bare name gets {@code defaultDomain}.
     *
     * @throws UsersFileException naming the file, the line and the reason, for the first bad line
     */
    public static Recipients read(Path file, String defaultDomain) throws UsersFileException {
        byte[] bytes = readBytes(file);
        List<User> users = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> catchAll = new LinkedHashMap<>();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = startsWithBom(bytes) ? 3 : 0;
        int lineNumber = 0;
        while (start < bytes.length) {
            lineNumber++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            String line;
            try {
                line = decoder.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new UsersFileException(file, lineNumber, "not UTF-8 text");
            }
            start = end + 1;
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            int blank = firstBlank(content);
            String entry = Normalizer.normalize(blank < 0 ? content : content.substring(0, blank), Normalizer.Form.NFC);
            String password = blank < 0 ? null : content.substring(blank + 1).strip();
            if (entry.startsWith("*")) {
                String problem = checkCatchAll(entry, password);
                if (problem != null) {
                    throw new UsersFileException(file, lineNumber, problem);
                }
                Integer earlier = catchAll.putIfAbsent(entry.substring(2).toLowerCase(Locale.ROOT), lineNumber);
                if (earlier != null) {
                    throw new UsersFileException(file, lineNumber, "'" + entry + "' is already a catch-all (line "
                            + earlier + "); domains are compared ignoring case");
                }
                continue;
            }
            String address = entry.indexOf('@') < 0 ? entry + "@" + defaultDomain : entry;
            String problem = checkAddress(entry, address);
            if (problem == null && password != null && password.chars().anyMatch(Character::isISOControl)) {
                problem = "the password of '" + entry + "' holds a control character";
            }
            if (problem != null) {
                throw new UsersFileException(file, lineNumber, problem);
            }
            Integer earlier = seen.putIfAbsent(address.toLowerCase(Locale.ROOT), lineNumber);
            if (earlier != null) {
                throw new UsersFileException(file, lineNumber,
                        "'" + entry + "' is already a user (line " + earlier + "); addresses are compared ignoring case");
            }
            users.add(new User(address, lineNumber, password));
        }
        if (users.isEmpty() && catchAll.isEmpty()) {
            throw new UsersFileException(file, 0, "no users: every line is blank or a comment");
        }
        return new Recipients(users, new CatchAll(false, catchAll.keySet()));
    }

    /** Why {@code entry}, which starts with '*', is not a good catch-all line, or null when it is. */
    private static String checkCatchAll(String entry, String password) {
        String quoted = "'" + entry + "'";
        String characters = checkCharacters(entry, quoted);
        if (characters != null) {
            return characters;
        }
        if (!entry.startsWith("*@")) {
            return quoted + " is not a catch-all: write '*@domain' (as in '*@example.com') to accept every address"
                    + " of a domain; a name cannot start with '*'";
        }
        String domain = entry.substring(2);
        if (domain.indexOf('@') >= 0) {
            return quoted + " is not a catch-all: more than one '@'";
        }
        if (!Ascii.isAscii(domain)) {
            return quoted + " is not a catch-all: the domain must be ASCII (write an internationalized domain"
                    + " as its xn-- form)";
        }
        String domainProblem = checkDomain(domain);
        if (domainProblem != null) {
            return quoted + " is not a catch-all: " + domainProblem;
        }
        if (password != null) {
            return quoted + " is a catch-all, which takes no password: only a listed user can authenticate";
        }
        return null;
    }

    private static byte[] readBytes(Path file) throws UsersFileException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new UsersFileException(file, 0, "is a directory, not a users file");
            }
            // Opening a FIFO would wait for a writer forever, and a device may never end: neither is opened.
            if (!attributes.isRegularFile()) {
                throw new UsersFileException(file, 0, "is not a regular file");
            }
            if (attributes.size() > MAX_SIZE) {
                throw new UsersFileException(file, 0, "larger than " + MAX_SIZE / (1024 * 1024) + " MB: not a users file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsersFileException(file, 0, "no such file");
        } catch (AccessDeniedException e) {
            throw new UsersFileException(file, 0, "cannot be read: permission denied");
        } catch (IOException e) {
            throw new UsersFileException(file, 0, "cannot be read: " + e.getMessage());
        }
    }

    /** Where the address ends and the password begins: the first space or tab, or -1. */
    private static int firstBlank(String content) {
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) == ' ' || content.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF;
    }

    /** Why {@code address} (written as {@code entry}) cannot be a user, or null when it can. */
    static String checkAddress(String entry, String address) {
        String quoted = "'" + entry + "'";
        String characters = checkCharacters(entry, quoted);
        if (characters != null) {
            return characters;
        }
        int at = address.indexOf('@');
        if (at != address.lastIndexOf('@')) {
            return quoted + " is not an address: more than one '@'";
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty()) {
            return quoted + " is not an address: nothing before '@'";
        }
        if (domain.isEmpty()) {
            return quoted + " is not an address: no domain after '@'";
        }
        if (local.startsWith(".")) {
            return quoted + " starts with a dot, which would make a hidden mailbox file";
        }
        if (local.contains("..") || domain.contains("..")) {
            return quoted + " holds '..', which cannot be in a mailbox file name";
        }
        if (local.endsWith(".")) {
            return quoted + " is not an address: the name ends with a dot";
        }
        if (local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            return quoted + " is not an address: the name is longer than " + MAX_LOCAL_PART + " bytes";
        }
        for (int i = 0; i < local.length(); i += Character.charCount(local.codePointAt(i))) {
            int c = local.codePointAt(i);
            boolean mark = isCombiningMark(c);
            if (mark && i == 0) {
                return quoted + " is not an address: the name starts with a combining mark";
            }
            if (!(Character.isLetterOrDigit(c) || mark || c == '.' || LOCAL_SYMBOLS.indexOf(c) >= 0)) {
                return quoted + " is not an address: '" + Character.toString(c) + "' cannot be in a name";
            }
        }
        if (!Ascii.isAscii(domain)) {
            return quoted + " is not an address: the domain must be ASCII (write an internationalized domain"
                    + " as its xn-- form)";
        }
        String domainProblem = checkDomain(domain);
        return domainProblem == null ? null : quoted + " is not an address: " + domainProblem;
    }

    /** Why {@code entry} holds a character no line may (a control, a slash, a blank, a bidi mark), or null. */
    private static String checkCharacters(String entry, String quoted) {
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (Character.isISOControl(c)) {
                return quoted + " holds a control character"; // shown escaped by UsersFileException
            }
            if (c == '/' || c == '\\') {
                return quoted + " holds '" + c + "', which cannot be in a mailbox file name";
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return quoted + " holds a blank: one user a line";
            }
            if (Character.getType(c) == Character.FORMAT) {
                return quoted + " holds an invisible formatting character (such as a bidi mark) at "
                        + String.format(Locale.ROOT, "U+%04X", (int) c);
            }
        }
        return null;
    }

    /**
     * Marks that combine with the letter before them (accents, vowel signs of Indic scripts),
     * but not the invisible ones that only make one name look like another: variation
     * selectors and the combining grapheme joiner.
     */
    private static boolean isCombiningMark(int codePoint) {
        int type = Character.getType(codePoint);
        boolean invisible = (codePoint >= 0xFE00 && codePoint <= 0xFE0F) || (codePoint >= 0xE0100 && codePoint <= 0xE01EF)
                || codePoint == 0x034F || (codePoint >= 0x180B && codePoint <= 0x180F);
        return (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK) && !invisible;
    }

    /** Why {@code domain} cannot be a mail domain, or null when it can. */
    public static String checkDomain(String domain) {
        if (domain.isEmpty()) {
            return "the domain is empty";
        }
        if (domain.length() > MAX_DOMAIN) {
            return "the domain is longer than " + MAX_DOMAIN + " characters";
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty()) {
                return "the domain '" + domain + "' has an empty part";
            }
            if (label.length() > MAX_LABEL) {
                return "a part of the domain '" + domain + "' is longer than " + MAX_LABEL + " characters";
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                return "a part of the domain '" + domain + "' starts or ends with '-'";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c < 0x7f && Character.isLetterOrDigit(c) || c == '-')) {
                    return "'" + c + "' cannot be in a domain";
                }
            }
        }
        return null;
    }
}
