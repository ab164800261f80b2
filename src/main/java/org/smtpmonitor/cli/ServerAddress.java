package org.smtpmonitor.cli;

import java.time.Duration;

import org.smtpmonitor.app.Settings;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of every command that talks to a server: where it is and how long to wait for it. */
final class ServerAddress {

    @Option(names = "--host", paramLabel = "HOST", description = "The SMTP server (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Its port (default: ${DEFAULT-VALUE}).")
    int port = Settings.DEFAULT_PORT;

    @Option(names = "--timeout", paramLabel = "TIME", converter = Units.Time.class,
            description = "How long to wait to connect and for each reply: 30, 10s, 500ms (default: 30s).")
    Duration timeout = Duration.ofSeconds(30);

    /** Refuses a port no server can have, as a bad command line. */
    void check(CommandLine commandLine) {
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(commandLine, "--port: " + port + " is not between 1 and 65535");
        }
    }
}
