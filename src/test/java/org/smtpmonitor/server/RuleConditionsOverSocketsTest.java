package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.server.RuleActionsOverSocketsTest.sessionOf;
import static org.smtpmonitor.server.RuleActionsOverSocketsTest.start;
import static org.smtpmonitor.server.RuleActionsOverSocketsTest.transcript;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.app.ScriptedFailures;
import org.smtpmonitor.smtp.RuleStatus;
import org.smtpmonitor.smtp.RulesException;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * What narrows a rule, over real sockets: the session number, the nth time per session
 * or overall, the probability, the address pattern; and rules switched and replaced
 * while sessions run.
 */
class RuleConditionsOverSocketsTest {

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void aSessionRuleAppliesInThatSessionOnly() throws Exception {
        monitor = start(directory, "[drop-in-data]\non = data\nsession = 2\nclose = before\n");
        try (RawSmtpClient first = monitor.ehloClient()) {
            assertEquals(1, sessionOf(monitor, first));
            assertTrue(first.mail("s@example.net", "alice@example.com", "Subject: one\n\n1").startsWith("250 OK"));
        }
        try (RawSmtpClient second = monitor.ehloClient()) {
            assertEquals(2, sessionOf(monitor, second));
            assertEquals(250, second.readCodeOf("MAIL FROM:<s@example.net>"));
            assertEquals(250, second.readCodeOf("RCPT TO:<alice@example.com>"));
            second.send("DATA\r\n");
            second.assertClosedByServer();
        }
        try (RawSmtpClient third = monitor.ehloClient()) {
            assertTrue(third.mail("s@example.net", "alice@example.com", "Subject: three\n\n3").startsWith("250 OK"));
        }
        String alice = monitor.mailboxText("alice@example.com");
        assertTrue(alice.contains("Subject: one") && alice.contains("Subject: three"), alice);
    }

    @Test
    void countOverallCountsAcrossSessions() throws Exception {
        monitor = start(directory, "[third-command]\non = command\nnth = 3\ncount = overall\n"
                + "reply = 451 4.3.0 Third command overall\n");
        try (RawSmtpClient first = monitor.client()) {
            assertEquals(250, first.readCodeOf("HELO one.test"));
            assertEquals(250, first.readCodeOf("NOOP"));
        }
        try (RawSmtpClient second = monitor.client()) {
            assertEquals("451 4.3.0 Third command overall", second.command("NOOP"));
            assertEquals(250, second.readCodeOf("NOOP"));
        }
        try (RawSmtpClient third = monitor.client()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(250, third.readCodeOf("NOOP"), "only the third command of all applies");
            }
        }
    }

    @Test
    void probabilityZeroNeverAppliesAndOneAlwaysDoes() throws Exception {
        monitor = start(directory, "[never]\non = rcpt\nprobability = 0\nreply = 550 5.0.0 never\n\n"
                + "[always]\non = rcpt\nprobability = 1\nreply = 451 4.0.0 always\n");
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals(250, client.readCodeOf("MAIL FROM:<s@example.net>"));
            for (int i = 0; i < 20; i++) {
                assertEquals("451 4.0.0 always", client.command("RCPT TO:<alice@example.com>"));
            }
        }
        List<RuleStatus> statuses = monitor.monitor().rules().statuses();
        assertEquals(0, statuses.get(0).applied());
        assertEquals(20, statuses.get(1).applied());
    }

    @Test
    void anAddressPatternMatchesTheSenderOfMail() throws Exception {
        monitor = start(directory, "[no-example-org]\non = mail\naddress = *@Example.ORG\nreply = 550 5.7.1 Sender refused\n");
        try (RawSmtpClient client = monitor.ehloClient()) {
            assertEquals("550 5.7.1 Sender refused", client.command("MAIL FROM:<someone@example.org>"));
            assertEquals("250 OK", client.command("MAIL FROM:<someone@example.org.net>"));
        }
    }

    @Test
    void aDisabledRuleDoesNothingUntilSwitchedOnLiveAndStopsWhenSwitchedOff() throws Exception {
        monitor = start(directory, "[noop-421]\non = command\nreply = 421 4.0.0 Switched on\nenabled = no\n");
        ScriptedFailures rules = monitor.monitor().rules();
        AtomicInteger changes = new AtomicInteger();
        rules.addListener(changes::incrementAndGet);
        try (RawSmtpClient client = monitor.client()) {
            assertEquals("250 OK", client.command("NOOP"));
            assertTrue(rules.setEnabled("noop-421", true));
            assertEquals("421 4.0.0 Switched on", client.command("NOOP"));
            assertTrue(rules.statuses().get(0).enabled());
            assertEquals(1, rules.statuses().get(0).applied());
            assertTrue(rules.setEnabled("noop-421", false));
            assertEquals("250 OK", client.command("NOOP"));
            assertFalse(rules.setEnabled("no-such-rule", true));
        }
        assertEquals(3, changes.get(), "switched on, applied, switched off");
    }

    @Test
    void rulesAppliedLiveReplaceTheOldOnesAndABadTextKeepsThem() throws Exception {
        monitor = start(directory, "[old]\non = command\nreply = 451 4.0.0 old rule\n");
        ScriptedFailures rules = monitor.monitor().rules();
        try (RawSmtpClient client = monitor.client()) {
            assertEquals("451 4.0.0 old rule", client.command("NOOP"));
            RulesException bad = assertThrows(RulesException.class,
                    () -> rules.apply("[new]\non = command\ndealy = 5\n"));
            assertEquals(3, bad.line());
            assertTrue(bad.getMessage().startsWith("rules.txt:3: unknown key \"dealy\""), bad.getMessage());
            assertEquals("451 4.0.0 old rule", client.command("NOOP"), "the old rules are kept");
            rules.apply("[new]\non = command\nnth = 2\nreply = 452 4.0.0 new rule\n");
            assertEquals(List.of("new"), rules.statuses().stream().map(RuleStatus::name).toList());
            // Counted from the change: the session's next command is the rule's first.
            assertEquals("250 OK", client.command("NOOP"));
            assertEquals("452 4.0.0 new rule", client.command("NOOP"));
            assertTrue(transcript(monitor, sessionOf(monitor, client)).contains("-- rule \"new\" applied: reply 452"));
        }
    }

    @Test
    void pythonSmtplibSeesTheThirdRecipientRefusedAndTheOthersDelivered() throws Exception {
        Python.assumeInstalled();
        monitor = start(directory, "[rcpt-452]\non = rcpt\nnth = 3\nreply = 452 4.5.3 Too many recipients\n");
        String out = Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as smtp:",
                "    refused = smtp.sendmail('py@client.test', ['alice@example.com', 'bob@example.com',",
                "        'carol@example.com', 'dave@example.com'], 'Subject: from python\\r\\n\\r\\nhi\\r\\n')",
                "    for address, (code, text) in sorted(refused.items()):",
                "        print(address, code, text.decode())",
                ""), Integer.toString(monitor.port()));
        assertEquals("carol@example.com 452 4.5.3 Too many recipients\n", out);
        for (String user : List.of("alice", "bob", "dave")) {
            assertTrue(monitor.mailboxText(user + "@example.com").contains("Subject: from python"), user);
        }
        assertFalse(monitor.mailboxText("carol@example.com").contains("Subject: from python"));
    }
}
