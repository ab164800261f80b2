package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.HeadlessServerProcess;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * Mail survives the server's JVM, message by message, as the command line sees it: the
 * server process is stopped (SIGTERM) with mail in every mailbox and started again, then
 * killed (SIGKILL) right after acknowledging more; each time every acknowledged message
 * is listed on its own, with its ids kept, and exports as the exact bytes sent.
 */
class StoredMailAcrossRestartsTest {

    private static final List<String> USERS = List.of("alice@example.com", "bob@example.com", "carol@example.org");
    private static final Pattern ROW = Pattern.compile(
            "\\{\"id\":(\\d+),\"mailbox\":\"[^\"]*\",\"received\":\"[^\"]*\",\"envelopeFrom\":\"([^\"]*)\","
            + "\"envelopeTo\":\\[([^\\]]*)\\],\"from\":\"[^\"]*\",\"subject\":\"([^\"]*)\"");

    @TempDir
    Path directory;

    /** What was sent: each message's bytes, sender and recipients, by subject, in order. */
    private final Map<String, Sent> sent = new LinkedHashMap<>();

    private record Sent(String sender, List<String> recipients, byte[] data) {
    }

    /** One message as {@code mailbox show --json} lists it. */
    private record Listed(long id, String envelopeFrom, String envelopeTo, String subject) {
    }

    @ParameterizedTest
    @EnumSource(MailboxFormat.class)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyMessageIsListedOnItsOwnAfterAStopAndAfterAKill(MailboxFormat format) throws Exception {
        Path users = Files.write(directory.resolve("users.txt"), USERS);
        Path mail = directory.resolve("mail");
        String[] options = {"--mailbox-dir", mail.toString(), "--format", format.name().toLowerCase(Locale.ROOT)};

        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, options)) {
            send(server, 0, 3);
            server.terminate();
            assertEquals(143, server.awaitExit(20, "SIGTERM"));
        }
        Map<String, List<Listed>> afterStop = listAll(mail, true);

        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, options)) {
            assertEquals(afterStop, listAll(mail, true), "the same messages and ids while a new server runs");
            send(server, 3, 5);
            // Killed right after the last 250: the index has likely not taken the last messages yet.
            server.kill();
        }
        try (HeadlessServerProcess server = HeadlessServerProcess.start(users, options)) {
            server.terminate();
            assertEquals(143, server.awaitExit(20, "SIGTERM"));
        }
        Map<String, List<Listed>> afterKill = listAll(mail, false);
        for (String address : USERS) {
            List<Listed> kept = afterKill.get(address).subList(afterKill.get(address).size()
                    - afterStop.get(address).size(), afterKill.get(address).size());
            assertEquals(afterStop.get(address), kept, address + ": the older messages keep their ids");
        }
    }

    /**
     * Sends rounds {@code from} to {@code to} (exclusive): in each, one message to each user
     * and one to all of them, with a subject of its own and a non-ASCII one among them.
     */
    private void send(HeadlessServerProcess server, int from, int to) throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server.address())) {
            assertTrue(client.command("EHLO restart.test").startsWith("250"));
            for (int round = from; round < to; round++) {
                for (int u = 0; u <= USERS.size(); u++) {
                    List<String> recipients = u == USERS.size() ? USERS : List.of(USERS.get(u));
                    String subject = "m" + round + "-" + u;
                    String sender = "s" + round + "." + u + "@client.test";
                    String data = "From: <" + sender + ">\r\nSubject: =?UTF-8?Q?" + subject + "_=C3=A9t=C3=A9?=\r\n"
                            + "\r\nbody of " + subject + "\r\nFrom here on, a line mbox must quote\r\n";
                    assertTrue(client.sendMessage(sender, recipients, data).startsWith("250 "), subject);
                    sent.put(subject + " été", new Sent(sender, recipients, data.getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }
    }

    /**
     * Every mailbox as {@code mailbox show} lists it, checked against what was sent: each
     * message that went to it once, newest first, and its export the bytes sent. A message
     * taken from the file after a kill may have lost its envelope (the file has none), so
     * the envelope is checked only when {@code envelopes}.
     */
    private Map<String, List<Listed>> listAll(Path mail, boolean envelopes) throws Exception {
        Map<String, List<Listed>> all = new LinkedHashMap<>();
        for (String address : USERS) {
            CommandRun shown = CommandRun.run("", "mailbox", "show", address, "--limit", "1000", "--json",
                    "--mailbox-dir", mail.toString());
            assertEquals(0, shown.exit(), shown.err());
            List<Listed> listed = new ArrayList<>();
            Matcher m = ROW.matcher(shown.out());
            while (m.find()) {
                listed.add(new Listed(Long.parseLong(m.group(1)), m.group(2), m.group(3), m.group(4)));
            }
            List<String> expected = new ArrayList<>();
            sent.forEach((subject, message) -> {
                if (message.recipients().contains(address)) {
                    expected.add(0, subject);
                }
            });
            assertEquals(expected, listed.stream().map(Listed::subject).toList(), address + ": " + shown.out());
            for (Listed message : listed) {
                Sent original = sent.get(message.subject());
                if (envelopes) {
                    assertEquals(original.sender(), message.envelopeFrom(), message.toString());
                    assertEquals("\"" + String.join("\",\"", original.recipients()) + "\"", message.envelopeTo());
                }
                Path eml = directory.resolve(message.id() + ".eml");
                CommandRun export = CommandRun.run("", "mailbox", "export", String.valueOf(message.id()), "-o",
                        eml.toString(), "--mailbox-dir", mail.toString());
                assertEquals(0, export.exit(), export.err());
                assertArrayEquals(original.data(), Files.readAllBytes(eml), address + ": " + message);
            }
            all.put(address, listed);
        }
        return all;
    }
}
