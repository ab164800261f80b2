package org.smtpmonitor.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;

/** One in-process run of {@code smtp-monitor ...}: its exit status, standard output and standard error. */
record CommandRun(int exit, String out, String err) {

    static CommandRun run(String stdin, String... args) {
        return run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    static CommandRun run(InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(stdin);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    /** The output with line endings as on Unix, whatever the platform's println wrote. */
    String outLines() {
        return out.replace(System.lineSeparator(), "\n");
    }
}
