package org.smtpmonitor.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.smtpmonitor.app.AtomicFiles;
import org.smtpmonitor.app.MailJson;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.text.Json;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code smtp-monitor mailbox ...}: the stored mail, from its index, with or without a
 * server running on the directory. {@code --json} prints one JSON array whose field names
 * are a contract for scripts.
 */
@Command(name = "mailbox", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "Lists, shows, searches, exports and deletes the stored mail.",
        description = {"Reads the message index in the mailbox directory (.smtp-monitor/index.db), which",
                "the server keeps; it can run while the server delivers. Message ids are stable.",
                "delete and clear rewrite the mailbox files: themselves when no server runs on the",
                "directory, or by asking the server that does (and waiting up to 30 s for it)."},
        subcommands = {MailboxCommand.ListMailboxes.class, MailboxCommand.Show.class, MailboxCommand.Search.class,
                MailboxCommand.Export.class, MailboxCommand.Delete.class, MailboxCommand.Clear.class,
                MailboxRelease.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:no index, no such mailbox or message, or it could not be read or deleted",
                "2:bad command line"})
final class MailboxCommand implements Callable<Integer> {

    @Spec CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage, and a bad command line's status. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The options every subcommand takes. */
    static final class Where {
        @Option(names = "--mailbox-dir", paramLabel = "DIR", description = "The mailbox directory (default: the working directory).")
        Path directory = Path.of("");

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "raw or mbox (default: what the server noted in the index).")
        String format;

        MailboxDirectory open(CommandLine commandLine) throws IOException {
            try {
                return MailboxDirectory.open(directory, format == null ? null : Settings.formatNamed(format));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, "--format: " + e.getMessage());
            }
        }
    }

    /** Runs {@code body} on the opened directory; a problem is one line on stderr and exit status 1. */
    interface Body {
        void run(MailboxDirectory mailboxes, PrintWriter out) throws IOException;
    }

    static int run(CommandLine.Model.CommandSpec spec, Where where, Body body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (MailboxDirectory mailboxes = where.open(spec.commandLine())) {
            body.run(mailboxes, out);
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("smtp-monitor: " + Printable.escape(e.getFile() + ": " + e.getReason()));
        } catch (IOException e) {
            err.println("smtp-monitor: " + Printable.escape(String.valueOf(e.getMessage())));
        } catch (IllegalArgumentException e) {
            // A query that is not well formed: a bad command line.
            err.println("smtp-monitor: " + Printable.escape(String.valueOf(e.getMessage())));
            err.flush();
            return 2;
        }
        err.flush();
        return 1;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Each mailbox: address, messages, bytes.")
    static final class ListMailboxes implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Where where;
        @Option(names = "--json", description = "One JSON array: address, messages, bytes.") boolean json;

        @Override
        public Integer call() {
            return run(spec, where, (mailboxes, out) -> {
                List<MailboxDirectory.MailboxInfo> all = mailboxes.mailboxes();
                if (json) {
                    out.println(Json.array(all, MailJson::mailbox));
                    return;
                }
                for (MailboxDirectory.MailboxInfo m : all) {
                    out.printf(Locale.ROOT, "%-40s %8d messages %12d bytes%n", Printable.escape(m.address()),
                            m.messages(), m.bytes());
                }
            });
        }
    }

    static void print(List<IndexedMessage> messages, boolean json, PrintWriter out) {
        if (json) {
            out.println(Json.array(messages, MailJson::message));
            return;
        }
        for (IndexedMessage m : messages) {
            out.printf(Locale.ROOT, "%8d  %s  %-30s  %-40s %10d%n", m.id(), m.received(),
                    Printable.escape(m.from().isEmpty() ? "<" + m.envelopeFrom() + ">" : m.from()),
                    Printable.escape(m.subject()), m.size());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A mailbox's messages, newest first.")
    static final class Show implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Where where;
        @Parameters(paramLabel = "ADDRESS", description = "The mailbox.") String address;
        @Option(names = "--json", description = "One JSON array: id, mailbox, received, envelopeFrom, envelopeTo,"
                + " from, subject, size, arrival (TLS and AUTH).") boolean json;
        @Option(names = "--limit", paramLabel = "N", description = "At most N messages (default: ${DEFAULT-VALUE}).")
        int limit = 100;

        @Override
        public Integer call() {
            return run(spec, where, (mailboxes, out) -> {
                // Addresses compare ignoring case; the index keeps the users file's spelling.
                print(mailboxes.messages(spelling(mailboxes, address), 0, limit), json, out);
            });
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = {"Messages that match QUERY, newest first. Words match the subject, an address or",
                    "the text; fields narrow: from:ADDR to:ADDR subject:TEXT body:WORDS after:YYYY-MM-DD",
                    "before:YYYY-MM-DD (local time; after inclusive). Quote a value with spaces:",
                    "subject:\"weekly report\"."})
    static final class Search implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Where where;
        @Parameters(paramLabel = "QUERY", description = "Words and fields, all of which must match.") String query;
        @Option(names = "--mailbox", paramLabel = "ADDRESS", description = "Only this mailbox.") String mailbox;
        @Option(names = "--json", description = "One JSON array, with the fields of show.") boolean json;
        @Option(names = "--limit", paramLabel = "N", description = "At most N messages (default: ${DEFAULT-VALUE}).")
        int limit = 100;

        @Override
        public Integer call() {
            return run(spec, where, (mailboxes, out) -> print(mailboxes.search(query, mailbox, 0, limit), json, out));
        }
    }

    /** The users file's spelling of {@code address}, spelled in any case. */
    private static String spelling(MailboxDirectory mailboxes, String address) throws IOException {
        return mailboxes.mailbox(address).map(MailboxDirectory.MailboxInfo::address)
                .orElseThrow(() -> new NoSuchFileException(address, null, "no such mailbox in the index"));
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"A message's exact bytes as sent (.eml), or a whole mailbox as an mbox file",
                    "(mboxrd, oldest first), to standard output or FILE."})
    static final class Export implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Where where;
        @Parameters(paramLabel = "ID|ADDRESS", description = "The message's id (from show or search), or a mailbox.")
        String what;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead.") Path output;

        @Override
        public Integer call() {
            return run(spec, where, (mailboxes, out) -> {
                AtomicFiles.Content exporter;
                if (what.matches("\\d{1,18}")) {
                    long id = Long.parseLong(what);
                    if (mailboxes.message(id).isEmpty()) {
                        throw new NoSuchFileException("message " + id, null, "no such message");
                    }
                    exporter = stream -> mailboxes.export(id, stream);
                } else {
                    String address = spelling(mailboxes, what);
                    exporter = stream -> mailboxes.exportMailbox(address, stream);
                }
                if (output == null) {
                    exporter.writeTo(new BufferedOutputStream(System.out));
                    return;
                }
                AtomicFiles.write(output, exporter);
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Deletes messages from their mailbox files and the index. An id that is not",
                    "there is told on standard error (exit status 1); the others are deleted all the same."})
    static final class Delete implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Where where;
        @Parameters(paramLabel = "ID", arity = "1..*", description = "The messages' ids (from show or search).")
        List<Long> ids;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            List<Long> unknown = new ArrayList<>();
            int status = run(spec, where, (mailboxes, out) -> {
                Set<Long> known = new LinkedHashSet<>();
                for (long id : ids) {
                    if (mailboxes.message(id).isPresent()) {
                        known.add(id);
                    } else {
                        unknown.add(id);
                    }
                }
                int deleted = known.isEmpty() ? 0 : mailboxes.delete(known);
                out.printf(Locale.ROOT, "Deleted %d message%s.%n", deleted, deleted == 1 ? "" : "s");
            });
            for (long id : unknown) {
                err.println("smtp-monitor: message " + id + ": no such message");
            }
            err.flush();
            return status != 0 || unknown.isEmpty() ? status : 1;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Deletes every message of a mailbox (its file stays, empty of them).")
    static final class Clear implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Mixin Where where;
        @Parameters(paramLabel = "ADDRESS", description = "The mailbox.") String address;

        @Override
        public Integer call() {
            return run(spec, where, (mailboxes, out) -> {
                String spelled = spelling(mailboxes, address);
                int deleted = mailboxes.clear(spelled);
                out.printf(Locale.ROOT, "Deleted %d message%s from %s.%n", deleted, deleted == 1 ? "" : "s",
                        Printable.escape(spelled));
            });
        }
    }
}
