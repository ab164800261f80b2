package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.smtpmonitor.app.DirectoryMail;
import org.smtpmonitor.app.Expectation;
import org.smtpmonitor.app.MailCandidate;
import org.smtpmonitor.app.MailWait;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.TextPattern;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code smtp-monitor expect}: a CI script's check that a message arrived (or arrives in
 * time), against a running server's HTTP API or directly on a mailbox directory. Exit status
 * 0 prints the matches, 1 what came closest; {@code --junit} writes the same as a test report.
 */
@Command(name = "expect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        header = "Checks that a message has arrived, or waits for it: for CI scripts.",
        description = {"Looks at the stored mail, read from a running server's HTTP API (--api)",
                "or from a mailbox directory's index (--mailbox-dir, also while a server",
                "runs on it), for a message that meets every criterion given. With",
                "--within it looks again every 200 ms until one arrives or time is up.",
                "",
                "PATTERN is /regex/, a Java regular expression found anywhere (flags",
                "after the last slash: i ignores case, s, m, x), or else plain text,",
                "found in any case. A value that starts with / and ends with / and",
                "letters is a regular expression.",
                "",
                "Prints each match: id, received, from, to, subject. When none matched,",
                "prints the message that came closest (met the most criteria; the newest",
                "of equals) and the criteria it failed, such as",
                "  closest: #42 \"Password reset\" to alice@example.com: body did not",
                "  match /token=\\w+/",
                "The first look weighs the newest 10,000 messages. Matches and the",
                "closest go to standard output, a failure to read the mail to standard",
                "error.",
                "",
                "--junit FILE writes a JUnit XML report: <testsuite name=\"smtp-monitor",
                "expect\"> with one <testcase> named after the criteria, with a <failure>",
                "when no message matched and an <error> when the mail could not be read.",
                "A bad command line (exit status 2) writes no report."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:enough messages matched",
                "1:none matched (in time), or the mail could not be read: the API cannot be reached, refused"
                        + " the token (401), or the directory has no message index",
                "2:bad command line (a malformed regular expression, an unknown option)"})
final class ExpectCommand implements Callable<Integer> {

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--to", paramLabel = "ADDR",
            description = "An envelope recipient, or an address of the To or Cc field (any case).")
    String to;

    @Option(names = "--from", paramLabel = "ADDR", description = "The envelope sender, or the From field's address (any case).")
    String from;

    @Option(names = "--subject", paramLabel = "PATTERN", converter = PatternConverter.class,
            description = "The Subject field matches PATTERN.")
    TextPattern subject;

    @Option(names = "--body", paramLabel = "PATTERN", converter = PatternConverter.class,
            description = "The body's text matches PATTERN: the plain-text part, else the text of the HTML part.")
    TextPattern body;

    @Option(names = "--within", paramLabel = "DURATION", converter = Units.Time.class,
            description = "Wait up to DURATION (10s, 500ms, 2m) for it to arrive (default: look once).")
    Duration within;

    @Option(names = "--new", description = "Only messages stored after expect starts (a copy of one stored before does not count).")
    boolean onlyNew;

    @Option(names = "--count", paramLabel = "N", description = "At least N matching messages (default: ${DEFAULT-VALUE}).")
    int count = 1;

    @Option(names = "--api", paramLabel = "URL",
            description = "A running server's HTTP API, such as http://127.0.0.1:8025 (see --http-port).")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The API's bearer token (--http-token).")
    String token;

    @Option(names = "--mailbox-dir", paramLabel = "DIR", description = "A mailbox directory, read through its index.")
    Path directory;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
    Path junit;

    /** Reads a PATTERN; a malformed regular expression is a bad command line naming the option. */
    static final class PatternConverter implements ITypeConverter<TextPattern> {
        @Override
        public TextPattern convert(String value) {
            try {
                return TextPattern.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        URI apiUrl = checkCommandLine();
        Expectation expectation = new Expectation(to, from, subject, body);
        Instant started = Instant.now();
        StringWriter transcript = new StringWriter();
        PrintWriter out = new PrintWriter(transcript);
        Duration wait = within == null ? Duration.ZERO : within;
        JunitReport.Outcome outcome;
        String verdict;
        Duration took;
        long start = System.nanoTime();
        try {
            MailWait.Result result;
            if (apiUrl != null) {
                result = MailWait.await(expectation, new ApiMail(apiUrl, token), count, wait, onlyNew);
            } else {
                try (MailboxDirectory mail = MailboxDirectory.open(directory, null)) {
                    result = MailWait.await(expectation, new DirectoryMail(mail), count, wait, onlyNew);
                }
            }
            took = result.took();
            verdict = report(expectation, result, wait, out);
            outcome = result.matches().size() >= count ? JunitReport.Outcome.PASSED : JunitReport.Outcome.FAILED;
        } catch (NoSuchFileException e) {
            took = Duration.ofNanos(System.nanoTime() - start);
            verdict = e.getFile() + ": " + e.getReason();
            outcome = JunitReport.Outcome.ERROR;
        } catch (IOException | RuntimeException e) {
            took = Duration.ofNanos(System.nanoTime() - start);
            verdict = String.valueOf(e.getMessage());
            outcome = JunitReport.Outcome.ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            took = Duration.ofNanos(System.nanoTime() - start);
            verdict = "interrupted while waiting";
            outcome = JunitReport.Outcome.ERROR;
        }
        out.flush();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String printed = transcript.toString();
        stdout.print(printed);
        stdout.flush();
        int status = outcome == JunitReport.Outcome.PASSED ? 0 : 1;
        if (outcome == JunitReport.Outcome.ERROR) {
            verdict = Printable.escape(verdict);
            stderr.println("smtp-monitor: " + verdict);
            printed = verdict;
        }
        if (junit != null) {
            try {
                JunitReport.write(junit, expectation.describe(), outcome, verdict, printed, took, started);
            } catch (IOException e) {
                stderr.println("smtp-monitor: " + Printable.escape("--junit " + junit + ": " + e));
                status = 1;
            }
        }
        stderr.flush();
        return status;
    }

    /** Checks what picocli cannot: one source, a usable URL, a positive count. Returns the API's URL, or null. */
    private URI checkCommandLine() {
        CommandLine commandLine = spec.commandLine();
        if ((api == null) == (directory == null)) {
            throw new CommandLine.ParameterException(commandLine, api == null
                    ? "give --api URL (a running server) or --mailbox-dir DIR (a mailbox directory)"
                    : "--api and --mailbox-dir exclude each other: give one");
        }
        if (token != null && api == null) {
            throw new CommandLine.ParameterException(commandLine, "--token goes with --api");
        }
        if (count < 1) {
            throw new CommandLine.ParameterException(commandLine, "--count: " + count + " is not a positive number");
        }
        if (api == null) {
            return null;
        }
        URI url;
        try {
            url = new URI(api);
        } catch (URISyntaxException e) {
            throw new CommandLine.ParameterException(commandLine, "--api: '" + api + "' is not a URL: " + e.getReason());
        }
        if (!ApiMail.usable(url)) {
            throw new CommandLine.ParameterException(commandLine,
                    "--api: '" + api + "' is not an http:// or https:// address with a host");
        }
        return url;
    }

    /** Prints the matches, or what came closest; returns the one-line verdict. */
    private String report(Expectation expectation, MailWait.Result result, Duration wait, PrintWriter out) {
        List<Expectation.Evaluation> matches = result.matches();
        String what = Printable.escape(expectation.describe());
        String waited = wait.isZero() ? "" : " within " + duration(wait);
        String noun = onlyNew ? "new message" : "message";
        if (matches.size() >= count) {
            out.printf(Locale.ROOT, "%d %s%s matched (%s) in %s:%n", matches.size(), noun,
                    matches.size() == 1 ? "" : "s", what, duration(result.took()));
            for (Expectation.Evaluation match : matches) {
                out.println("  " + line(match.message()));
            }
            return matches.size() + " matched";
        }
        String verdict = matches.isEmpty() ? "no " + noun + " matched" + waited
                : "only " + matches.size() + " of " + count + " " + noun + "s matched" + waited;
        out.println(verdict + " (" + what + ")");
        for (Expectation.Evaluation match : matches) {
            out.println("  matched: " + line(match.message()));
        }
        String closest;
        if (result.closest() != null) {
            MailCandidate m = result.closest().message();
            closest = "closest: #" + m.id() + " \"" + Printable.escape(m.subject()) + "\" to "
                    + Printable.escape(String.join(", ", m.envelopeTo())) + ": "
                    + Printable.escape(String.join(", ", result.closest().failures()));
        } else {
            closest = result.examined() == 0 ? "closest: none, there was no " + noun + " to look at"
                    : "closest: none, every other message matched";
        }
        out.println(closest);
        return verdict + "; " + closest;
    }

    /** One match: id, received, from, to, subject. */
    private static String line(MailCandidate m) {
        String sender = m.from().isEmpty() ? "<" + m.envelopeFrom() + ">" : m.from();
        return Printable.escape(String.format(Locale.ROOT, "#%d  %s  from %s  to %s  \"%s\"", m.id(), m.received(),
                sender, String.join(", ", m.envelopeTo()), m.subject()));
    }

    private static String duration(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
