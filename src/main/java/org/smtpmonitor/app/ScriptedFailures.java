package org.smtpmonitor.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import org.smtpmonitor.smtp.RuleBook;
import org.smtpmonitor.smtp.RuleSet;
import org.smtpmonitor.smtp.RuleStatus;
import org.smtpmonitor.smtp.RulesException;
import org.smtpmonitor.text.Printable;

/**
 * The scripted failures of a running monitor, as the window and the command line see
 * them: the rules file ({@code --rules}), its text, the rules in force with their state,
 * and the ways to change them live: {@link #apply} a new text, {@link #setEnabled switch} a
 * rule, {@link #save} the text back to the file. Every session of the server follows the
 * change from its next step.
 *
 * <p>Thread-safe. {@link #save} and {@link #load} do file I/O: not on the FX thread.
 */
public final class ScriptedFailures {

    /** A rules file is a page or two of text: anything larger is surely another file. */
    static final long MAX_SIZE = 1024 * 1024;

    private final RuleBook book;
    private volatile Path file;

    private ScriptedFailures(RuleBook book, Path file) {
        this.book = book;
        this.file = file;
    }

    /** No rules and no rules file: sessions run as if there were no such thing. */
    public static ScriptedFailures none() {
        return new ScriptedFailures(new RuleBook(), null);
    }

    /**
     * The rules of {@code file}.
     *
     * @throws RulesException naming the file, the line (0 for the whole file) and the
     *                        reason, escaped ({@link Printable}) for printing
     */
    public static ScriptedFailures load(Path file) throws RulesException {
        return new ScriptedFailures(new RuleBook(parse(read(file), file.toString())), file);
    }

    private static String read(Path file) throws RulesException {
        String source = file.toString();
        byte[] bytes;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new RulesException(source, 0, "is a directory, not a rules file");
            }
            // A FIFO would wait for a writer forever, and a device may never end.
            if (!attributes.isRegularFile()) {
                throw new RulesException(source, 0, "is not a regular file");
            }
            if (attributes.size() > MAX_SIZE) {
                throw new RulesException(source, 0, "larger than 1 MB: not a rules file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RulesException(source, 0, "no such file");
        } catch (AccessDeniedException e) {
            throw new RulesException(source, 0, "cannot be read: permission denied");
        } catch (IOException e) {
            throw new RulesException(source, 0, "cannot be read: " + e.getMessage());
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RulesException(source, 0, "not UTF-8 text");
        }
    }

    /** Parses, with the reason escaped: it may quote any text of the file. */
    private static RuleSet parse(String text, String source) throws RulesException {
        try {
            return RuleSet.parse(text, source);
        } catch (RulesException e) {
            throw new RulesException(Printable.escape(e.source()), e.line(), Printable.escape(e.reason()));
        }
    }

    /** The rules file given with {@code --rules} (or saved to), or null when there is none. */
    public Path file() {
        return file;
    }

    /** What sessions consult: for the server. */
    public RuleBook book() {
        return book;
    }

    /** The rules in force, as parsed. */
    public RuleSet rules() {
        return book.rules();
    }

    /**
     * The rules' text as the editor should show it and {@link #save} writes it: the text last
     * applied, with each rule's {@code enabled} line saying whether it is switched on now.
     */
    public String text() {
        RuleSet rules = book.rules();
        return rules.textWithEnabled(book::isEnabled);
    }

    /**
     * Puts the rules of {@code text} in force for every session at once, each rule on or
     * off as the text says and every counter from zero. Nothing changes when it does not
     * parse. Does not write the file: {@link #save} does.
     *
     * @throws RulesException the first line that is wrong and why ({@code rules.txt:7: unknown
     *                        key "dealy"}), escaped for showing
     */
    public void apply(String text) throws RulesException {
        Path current = file;
        book.replace(parse(text, current == null ? "rules" : current.getFileName().toString()));
    }

    /**
     * Switches the rule called {@code name} on or off for every session, from their next
     * step; its counters go on. False when there is no such rule.
     */
    public boolean setEnabled(String name, boolean enabled) {
        return book.setEnabled(name, enabled);
    }

    /** Each rule in file order: name, one-line summary, switched on or not, times applied. */
    public List<RuleStatus> statuses() {
        return book.statuses();
    }

    /**
     * Tells {@code listener} of every change to the rules: replaced, switched on or off, a
     * rule applied (its count). Called on the thread of the change, often a server's event
     * loop, never the FX thread: it must be quick, and the window coalesces the calls.
     */
    public void addListener(Runnable listener) {
        book.addListener(listener);
    }

    public void removeListener(Runnable listener) {
        book.removeListener(listener);
    }

    /**
     * Writes {@link #text()} to the rules file, whole or not at all.
     *
     * @throws IOException when there is no rules file (start with {@code --rules FILE}, or
     *                     {@link #saveTo}), or it cannot be written
     */
    public void save() throws IOException {
        Path target = file;
        if (target == null) {
            throw new IOException("there is no rules file to save to: start with --rules FILE");
        }
        saveTo(target);
    }

    /** Writes {@link #text()} to {@code target}, whole or not at all, which becomes the rules file. */
    public void saveTo(Path target) throws IOException {
        byte[] bytes = text().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(target, out -> out.write(bytes));
        file = target;
    }
}
