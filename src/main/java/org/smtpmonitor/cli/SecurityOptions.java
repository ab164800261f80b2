package org.smtpmonitor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.smtpmonitor.client.AuthMechanism;
import org.smtpmonitor.client.Credentials;
import org.smtpmonitor.client.Fingerprint;
import org.smtpmonitor.client.Security;
import org.smtpmonitor.client.ServerTrust;
import org.smtpmonitor.client.TlsClient;
import org.smtpmonitor.client.TlsLayer;
import org.smtpmonitor.client.TlsMode;
import org.smtpmonitor.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of every command that talks to a server about TLS and AUTH, and what they make. */
final class SecurityOptions {

    @Option(names = "--starttls", description = "Go over to TLS with STARTTLS after EHLO (RFC 3207), then EHLO again;"
            + " fails if the server does not offer STARTTLS.")
    boolean startTls;

    @Option(names = "--tls", description = "TLS from the first byte (implicit TLS, as on port 465).")
    boolean implicitTls;

    @Option(names = "--auth", paramLabel = "USER[:PASS]", description = "Authenticate (SMTP AUTH) as USER with password"
            + " PASS (split at the first ':'), or, with USER alone, the password in the environment variable"
            + " SMTP_MONITOR_PASSWORD. The password is never printed; a command line is seen by other users of this"
            + " machine, the environment is not.")
    String auth;

    @Option(names = "--auth-mechanism", paramLabel = "MECHANISM", description = "PLAIN, LOGIN or CRAM-MD5"
            + " (default: the first the server offers of CRAM-MD5, PLAIN, LOGIN).")
    String mechanism;

    @Option(names = "--insecure", description = "Trust any server certificate: the session is encrypted, but anyone"
            + " on the way could pose as the server.")
    boolean insecure;

    @Option(names = "--cafile", paramLabel = "FILE", description = "Trust the certificates in this PEM file (an"
            + " authority's, or the server's own self-signed one) instead of the JDK's trusted authorities.")
    Path caFile;

    @Option(names = "--pin", paramLabel = "SHA256", description = "Trust exactly the server certificate with this"
            + " SHA-256 fingerprint (hex, colons optional, as openssl x509 -fingerprint -sha256 prints it); its host"
            + " name is then not checked.")
    String pin;

    private ServerTrust trust;

    /**
     * The security the options ask for, checked; a wrong option is a bad command line.
     *
     * @param typedStartTls the person may type STARTTLS (the interactive client), so trust
     *                      options make sense without --starttls or --tls
     */
    Security security(CommandLine commandLine, boolean typedStartTls) {
        if (startTls && implicitTls) {
            throw bad(commandLine, "--starttls and --tls: choose one (--starttls upgrades a plain session,"
                    + " --tls speaks TLS from the first byte)");
        }
        int trusts = (insecure ? 1 : 0) + (caFile != null ? 1 : 0) + (pin != null ? 1 : 0);
        if (trusts > 1) {
            throw bad(commandLine, "--insecure, --cafile and --pin: choose one");
        }
        TlsMode mode = startTls ? TlsMode.STARTTLS : implicitTls ? TlsMode.IMPLICIT : TlsMode.NONE;
        if (trusts > 0 && mode == TlsMode.NONE && !typedStartTls) {
            throw bad(commandLine, (insecure ? "--insecure" : caFile != null ? "--cafile" : "--pin")
                    + " applies only with --starttls or --tls");
        }
        if (mechanism != null && auth == null) {
            throw bad(commandLine, "--auth-mechanism needs --auth USER[:PASS]");
        }
        Credentials credentials;
        AuthMechanism chosen;
        try {
            credentials = auth == null ? null : AuthArgument.credentials(auth, System::getenv);
        } catch (IllegalArgumentException e) {
            throw bad(commandLine, "--auth: " + e.getMessage());
        }
        try {
            chosen = mechanism == null ? null : AuthMechanism.named(mechanism);
        } catch (IllegalArgumentException e) {
            throw bad(commandLine, "--auth-mechanism: " + e.getMessage());
        }
        trust = trust(commandLine);
        return new Security(mode, mode == TlsMode.NONE ? null : new TlsClient(trust), credentials, chosen);
    }

    private ServerTrust trust(CommandLine commandLine) {
        if (insecure) {
            return ServerTrust.any();
        }
        if (pin != null) {
            try {
                return ServerTrust.pinned(Fingerprint.parse(pin));
            } catch (IllegalArgumentException e) {
                throw bad(commandLine, "--pin: " + e.getMessage());
            }
        }
        if (caFile != null) {
            try {
                return ServerTrust.caFile(caFile);
            } catch (IOException e) {
                throw bad(commandLine, "--cafile: " + e.getMessage());
            }
        }
        return ServerTrust.system();
    }

    /**
     * The TLS layer to {@code host:port} with {@code security}'s client, or one made when first
     * asked for (a STARTTLS typed in the interactive client), with the trust the options say.
     */
    Supplier<TlsLayer> layer(Security security, String host, int port) {
        return () -> (security.tls() != null ? security.tls() : new TlsClient(trust)).socketLayer(host, port);
    }

    /** Says on stderr what the person should know before anything is sent. */
    void warn(PrintWriter err, String command, Security security) {
        if (insecure) {
            err.println("smtp-monitor " + command + ": warning: --insecure: the server's certificate is not checked;"
                    + " anyone on the way could pose as the server");
        }
        if (security.authenticates() && security.mode() == TlsMode.NONE) {
            err.println("smtp-monitor " + command + ": warning: --auth without --starttls or --tls: the credentials of "
                    + Printable.escape(security.credentials().user()) + " cross the network in the clear");
        }
        err.flush();
    }

    private static CommandLine.ParameterException bad(CommandLine commandLine, String message) {
        return new CommandLine.ParameterException(commandLine, message);
    }
}
