package org.smtpmonitor.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.smtpmonitor.app.ReleaseOutcome;
import org.smtpmonitor.app.ReleaseTarget;
import org.smtpmonitor.client.Credentials;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code smtp-monitor mailbox release ID --host HOST ...}: sends a stored message on to a
 * real SMTP server with our own client, and prints the conversation and its outcome.
 *
 * <p>It takes the options a {@link ReleaseTarget} can say (not {@code send}'s {@code --cafile},
 * {@code --pin} or {@code --auth-mechanism}: the window and the API release with the same
 * target, and the mechanism is chosen from the server's EHLO).
 */
@Command(name = "release", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Sends a stored message on to a real SMTP server.",
        description = {"Sends message ID's exact stored bytes (as export writes them) to HOST, from its",
                "envelope sender to its envelope recipients, or to those --to names. Prints the",
                "conversation (C: sent, S: received, -- notes; the password and the message are not",
                "shown), then one line that says what became of it."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the server took the message for every recipient",
                "1:not delivered, or not to every recipient; no such message",
                "2:bad command line"},
        footerHeading = "%nExample:%n",
        footer = {"  $ smtp-monitor mailbox release 42 --host smtp.example.org --port 587 --starttls \\",
                "        --auth me@example.org:secret --to me@example.org"})
final class MailboxRelease implements Callable<Integer> {

    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin MailboxCommand.Where where;

    @Parameters(paramLabel = "ID", description = "The message's id (from show or search).")
    long id;

    @Option(names = "--host", required = true, paramLabel = "HOST", description = "The server to send to.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Its port (default: ${DEFAULT-VALUE}).")
    int port = 25;

    @ArgGroup(exclusive = true)
    Tls tls;

    static final class Tls {
        @Option(names = "--starttls", required = true,
                description = "Go over to TLS with STARTTLS after EHLO; fails if the server does not offer it.")
        boolean startTls;

        @Option(names = "--tls", required = true, description = "TLS from the first byte (implicit TLS, port 465).")
        boolean implicit;
    }

    @Option(names = "--auth", paramLabel = "USER[:PASS]", description = "Authenticate as USER with password PASS"
            + " (split at the first ':'), or, with USER alone, the password in the environment variable"
            + " SMTP_MONITOR_PASSWORD; the mechanism is the best the server offers. The password is never printed;"
            + " a command line is seen by other users of this machine, the environment is not.")
    String auth;

    @Option(names = "--insecure", description = "Trust any server certificate (a test server's self-signed one);"
            + " without it, the JDK's trusted authorities decide.")
    boolean insecure;

    @Option(names = "--to", paramLabel = "ADDRESS",
            description = "Send to this recipient instead of the stored envelope's; repeat for more.")
    List<String> to;

    @Override
    public Integer call() {
        ReleaseTarget target = target();
        PrintWriter err = spec.commandLine().getErr();
        if (target.user() != null && target.security() == ReleaseTarget.Security.PLAIN) {
            err.println("smtp-monitor mailbox release: warning: --auth without --starttls or --tls: the credentials of "
                    + Printable.escape(target.user()) + " cross the network in the clear");
            err.flush();
        }
        boolean[] delivered = {false};
        int status = MailboxCommand.run(spec, where, (mailboxes, out) -> {
            ReleaseOutcome outcome = mailboxes.release(id, target);
            outcome.transcript().forEach(out::println);
            out.println((outcome.delivered() ? "released: " : "not released: ") + outcome.summary());
            delivered[0] = outcome.delivered();
        });
        return status != 0 ? status : delivered[0] ? 0 : 1;
    }

    /** The target the options say; a wrong option is a bad command line. */
    private ReleaseTarget target() {
        CommandLine commandLine = spec.commandLine();
        ReleaseTarget.Security security = tls == null ? ReleaseTarget.Security.PLAIN
                : tls.startTls ? ReleaseTarget.Security.STARTTLS : ReleaseTarget.Security.TLS;
        if (insecure && security == ReleaseTarget.Security.PLAIN) {
            throw new CommandLine.ParameterException(commandLine, "--insecure applies only with --starttls or --tls");
        }
        String user = null;
        String password = null;
        if (auth != null) {
            try {
                Credentials credentials = AuthArgument.credentials(auth, System::getenv);
                user = credentials.user();
                password = credentials.password();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, "--auth: " + e.getMessage());
            }
        }
        try {
            return new ReleaseTarget(host, port, security, user, password, insecure, to);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }
}
