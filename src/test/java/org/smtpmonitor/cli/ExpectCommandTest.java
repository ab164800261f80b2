package org.smtpmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * {@code smtp-monitor expect --mailbox-dir}: mail a real server took over real sockets (our
 * raw client, Python's smtplib, Angus Mail) is found, not found with the closest message
 * named, found when it arrives during the wait, and reported as JUnit XML that parses.
 */
class ExpectCommandTest {

    static final String ALICE = "alice@example.com";
    private static final Pattern MATCH_ID = Pattern.compile("^  #(\\d+)  ", Pattern.MULTILINE);

    @TempDir
    Path directory;

    private CommandRun expect(String... args) {
        List<String> all = new ArrayList<>(List.of("expect"));
        all.addAll(List.of(args));
        all.addAll(List.of("--mailbox-dir", directory.toString()));
        return CommandRun.run("", all.toArray(String[]::new));
    }

    static String message(String subject, String body) {
        return "From: Sender <sender@client.test>\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\n\r\n"
                + body + "\r\n";
    }

    /** Sends each message to {@code to} over one SMTP session, then waits until the index has them. */
    static void deliver(TestMonitor monitor, List<String> to, String... messages) throws Exception {
        try (RawSmtpClient client = monitor.ehloClient()) {
            for (String message : messages) {
                assertTrue(client.sendMessage("sender@client.test", to, message).startsWith("250 "));
            }
        }
        monitor.monitor().store().awaitIndexed();
    }

    static void deliver(TestMonitor monitor, String... messages) throws Exception {
        deliver(monitor, List.of(ALICE), messages);
    }

    /** The ids of the matches expect printed, in order. */
    static List<Long> matchIds(CommandRun run) {
        return MATCH_ID.matcher(run.outLines()).results().map(m -> Long.parseLong(m.group(1))).toList();
    }

    /** The id of alice's newest message whose subject holds {@code words}, as {@code mailbox search} finds it. */
    private long idOf(String words) {
        CommandRun search = CommandRun.run("", "mailbox", "search", "subject:" + words, "--mailbox", ALICE,
                "--json", "--mailbox-dir", directory.toString());
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(search.out());
        assertTrue(id.find(), search.out() + search.err());
        return Long.parseLong(id.group(1));
    }

    @Test
    void aMessageThatMeetsEveryCriterionIsPrintedAndTheExitStatusIsZero() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message("Lunch", "see you"), message("Password reset", "Your link: token=abc123"));
            CommandRun run = expect("--to", "ALICE@example.com", "--from", "sender@client.test",
                    "--subject", "/Password reset/", "--body", "TOKEN=");
            assertEquals(0, run.exit(), run.out() + run.err());
            assertEquals(List.of(idOf("reset")), matchIds(run), run.out());
            assertTrue(run.out().contains("from Sender <sender@client.test>  to alice@example.com  \"Password reset\""),
                    run.out());
            assertFalse(run.out().contains("Lunch"), run.out());
        }
    }

    @Test
    void whenNothingMatchesTheClosestMessageIsNamedWithTheCriterionItFailed() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            // Each fails one criterion; of equals, the newest is the closest.
            deliver(monitor, message("Lunch", "token=zzz"), message("Password reset", "Your link expired, no code here"));
            long reset = idOf("reset");
            CommandRun run = expect("--to", ALICE, "--subject", "/reset/i", "--body", "/token=\\w+/");
            assertEquals(1, run.exit(), run.out() + run.err());
            assertTrue(run.outLines().contains("no message matched (to alice@example.com, subject /reset/i, body /token=\\w+/)\n"),
                    run.out());
            assertTrue(run.outLines().contains("closest: #" + reset
                    + " \"Password reset\" to alice@example.com: body did not match /token=\\w+/\n"), run.out());
            assertEquals(List.of(), matchIds(run));
        }
    }

    @Test
    void aMessageThatArrivesWhileExpectWaitsIsFoundBeforeTheWaitIsOver() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message("Welcome", "hello"));
            CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1_000);
                    deliver(monitor, message("Your code", "code: 424242"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            CommandRun run = expect("--subject", "code", "--body", "/\\d{6}/", "--within", "10s");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            later.get(30, TimeUnit.SECONDS);
            assertEquals(0, run.exit(), run.out() + run.err());
            assertEquals(List.of(idOf("code")), matchIds(run));
            assertTrue(took < 8_000, "found once it arrived, not at the end of the wait: " + took + " ms");
        }
    }

    @Test
    void newIgnoresAMatchingMessageStoredBeforeItStartedAndTakesOneThatArrivesAfter() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message("Invoice 1", "pay"));
            long old = idOf("invoice");
            CommandRun stale = expect("--subject", "invoice", "--new", "--within", "600ms");
            assertEquals(1, stale.exit(), stale.out() + stale.err());
            assertTrue(stale.out().contains("no new message matched within 0.6s"), stale.out());
            assertEquals(List.of(old), matchIds(expect("--subject", "invoice")), "without --new it is found");

            CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(700);
                    deliver(monitor, message("Invoice 2", "pay again"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CommandRun fresh = expect("--subject", "invoice", "--new", "--within", "10s");
            later.get(30, TimeUnit.SECONDS);
            assertEquals(0, fresh.exit(), fresh.out() + fresh.err());
            assertEquals(List.of(idOf("\"Invoice 2\"")), matchIds(fresh));
        }
    }

    @Test
    void aMalformedRegularExpressionIsABadCommandLineNamingTheOptionAndWritesNoReport() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message("Anything", "at all"));
            Path report = directory.resolve("report.xml");
            CommandRun run = expect("--subject", "/[unclosed/", "--junit", report.toString());
            assertEquals(2, run.exit(), run.out() + run.err());
            String[] lines = run.err().strip().split("\\R");
            assertEquals(1, lines.length, run.err());
            assertTrue(lines[0].contains("--subject") && lines[0].contains("'/[unclosed/' is not a valid regular"
                    + " expression: Unclosed character class"), run.err());
            assertFalse(Files.exists(report));

            CommandRun flag = expect("--body", "/token/q");
            assertEquals(2, flag.exit());
            assertTrue(flag.err().contains("--body") && flag.err().contains("unknown regular expression flag 'q'"),
                    flag.err());
        }
    }

    @Test
    void aPlainPatternIsTextInAnyCaseAndASlashedOneIsARegularExpression() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message("Order #123 shipped", "Tracking: AB-12.34"));
            assertEquals(0, expect("--subject", "order #12").exit(), "text, any case");
            assertEquals(1, expect("--subject", "/order #\\d+/").exit(), "a regex is case-sensitive");
            assertEquals(0, expect("--subject", "/order #\\d+/i").exit(), "unless /i");
            assertEquals(0, expect("--subject", "/^Order #\\d{3} shipped$/").exit());
            assertEquals(1, expect("--subject", "Order #.*").exit(), "text is not a regex");
            assertEquals(0, expect("--body", "ab-12.34").exit(), "the dot is a dot");
            assertEquals(1, expect("--body", "ab-12x34").exit());
            assertEquals(0, expect("--body", "/AB-1.\\.34/").exit());
        }
    }

    @Test
    void toMatchesACcAddressAndBodyTheTextOfAnHtmlOnlyMessageSentByPython() throws Exception {
        Python.assumeInstalled();
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            Python.run(directory, String.join("\n",
                    "import smtplib, sys",
                    "from email.message import EmailMessage",
                    "m = EmailMessage()",
                    "m['From'] = 'Shop <shop@client.test>'",
                    "m['To'] = 'Bob <bob@example.com>'",
                    "m['Cc'] = '\"Dave D.\" <Dave@Elsewhere.test>, erin@elsewhere.test'",
                    "m['Subject'] = 'Your receipt'",
                    "m.set_content('<html><body><p>Total: <b>42 EUR</b></p></body></html>', subtype='html')",
                    "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='client.test', timeout=30) as s:",
                    "    s.send_message(m, from_addr='bounce@client.test', to_addrs=['bob@example.com'])",
                    ""), String.valueOf(monitor.port()));
            monitor.monitor().store().awaitIndexed();
            assertEquals(0, expect("--to", "dave@elsewhere.TEST").exit(), "an address of the Cc field, any case");
            assertEquals(0, expect("--to", "erin@elsewhere.test", "--from", "shop@client.test").exit(),
                    "the From field's address");
            assertEquals(0, expect("--from", "BOUNCE@client.test").exit(), "the envelope sender");
            assertEquals(0, expect("--to", "bob@example.com", "--body", "/Total: 42 EUR/").exit(), "the HTML's text");
            CommandRun nobody = expect("--to", "frank@elsewhere.test", "--subject", "receipt");
            assertEquals(1, nobody.exit());
            assertTrue(nobody.out().contains("\"Your receipt\" to bob@example.com: to did not include frank@elsewhere.test"),
                    nobody.out());
        }
    }

    @Test
    void countWantsThatManyDeliveriesAndTwoMailboxesCopiesOfOneMessageAreOne() throws Exception {
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, List.of(ALICE, "bob@example.com"), message("Report", "weekly"));
            CommandRun one = expect("--subject", "report", "--count", "2");
            assertEquals(1, one.exit(), one.out());
            assertTrue(one.out().contains("only 1 of 2 messages matched"), one.out());

            Properties properties = new Properties();
            properties.put("mail.smtp.host", "127.0.0.1");
            properties.put("mail.smtp.port", String.valueOf(monitor.port()));
            properties.put("mail.smtp.localhost", "client.test");
            properties.put("mail.from", "angus@client.test"); // for the Message-ID: no lookup of this host's name
            MimeMessage angus = new MimeMessage(Session.getInstance(properties));
            angus.setFrom(new InternetAddress("angus@client.test"));
            angus.setRecipients(Message.RecipientType.TO, ALICE);
            angus.setSubject("Report, again");
            angus.setText("monthly");
            Transport.send(angus);
            monitor.monitor().store().awaitIndexed();
            CommandRun two = expect("--subject", "report", "--count", "2");
            assertEquals(0, two.exit(), two.out());
            assertEquals(2, matchIds(two).size(), two.out());
            assertEquals(2, expect("--subject", "report", "--count", "0").exit(), "a count must be positive");

            // The same message twice in one session, to two mailboxes: as like as copies, but two deliveries.
            String ping = message("Ping", "same bytes");
            deliver(monitor, List.of(ALICE, "bob@example.com"), ping, ping);
            CommandRun twice = expect("--subject", "ping", "--count", "2");
            assertEquals(0, twice.exit(), twice.out());
            assertEquals(2, matchIds(twice).size(), twice.out());
            assertEquals(1, expect("--subject", "ping", "--count", "3").exit());
        }
    }

    @Test
    void aDirectoryWithoutAnIndexIsAClearErrorWithStatusOneAndAnErrorReport() throws Exception {
        Path report = directory.resolve("report.xml");
        CommandRun run = expect("--to", ALICE, "--junit", report.toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("smtp-monitor: ") && run.err().contains("no message index"), run.err());
        Element testcase = testcase(parse(report));
        assertEquals(1, testcase.getElementsByTagName("error").getLength());
        assertTrue(((Element) testcase.getElementsByTagName("error").item(0)).getAttribute("message")
                .contains("no message index"));
    }

    @Test
    void withoutAPlaceToLookItIsABadCommandLine() {
        CommandRun neither = CommandRun.run("", "expect", "--to", ALICE);
        assertEquals(2, neither.exit());
        assertTrue(neither.err().contains("give --api URL (a running server) or --mailbox-dir DIR"), neither.err());
        CommandRun both = CommandRun.run("", "expect", "--api", "http://127.0.0.1:1", "--mailbox-dir", "x");
        assertEquals(2, both.exit());
        CommandRun token = CommandRun.run("", "expect", "--token", "t", "--mailbox-dir", "x");
        assertEquals(2, token.exit());
        assertTrue(token.err().contains("--token goes with --api"), token.err());
    }

    @Test
    void theJunitReportParsesForAPassAndForAFailureWithAHostileSubject() throws Exception {
        String hostile = "Bad \u0001\u001b[2J ]]> <b>&amp; \"q\" 'a'";
        try (TestMonitor monitor = TestMonitor.start(directory)) {
            deliver(monitor, message(hostile, "plain body"));
            Path pass = directory.resolve("pass.xml");
            CommandRun found = expect("--subject", "]]> <b>", "--junit", pass.toString());
            assertEquals(0, found.exit(), found.out() + found.err());
            Document passed = parse(pass);
            Element suite = passed.getDocumentElement();
            assertEquals("testsuite", suite.getTagName());
            assertEquals("smtp-monitor expect", suite.getAttribute("name"));
            assertEquals("0", suite.getAttribute("failures"));
            Element testcase = testcase(passed);
            assertEquals("subject \"]]> <b>\"", testcase.getAttribute("name"));
            assertEquals(0, testcase.getElementsByTagName("failure").getLength());
            String out = testcase.getElementsByTagName("system-out").item(0).getTextContent();
            assertTrue(out.contains("Bad \\x01\\x1b[2J ]]> <b>&amp; \"q\" 'a'"), out);

            Path fail = directory.resolve("fail.xml");
            CommandRun missed = expect("--subject", "/Bad/", "--body", "nowhere", "--junit", fail.toString());
            assertEquals(1, missed.exit());
            Document failed = parse(fail);
            assertEquals("1", failed.getDocumentElement().getAttribute("failures"));
            NodeList failures = testcase(failed).getElementsByTagName("failure");
            assertEquals(1, failures.getLength());
            String message = ((Element) failures.item(0)).getAttribute("message");
            assertTrue(message.startsWith("no message matched; closest: #"), message);
            assertTrue(message.contains("\"Bad \\x01\\x1b[2J ]]> <b>&amp; \"q\" 'a'\" to alice@example.com:"
                    + " body did not contain \"nowhere\""), message);
        }
    }

    /** The hostile text itself, with no Printable escape before it: still well-formed XML. */
    @Test
    void theReportsEscapeKeepsEveryCharacterXmlCannotHoldOut() throws Exception {
        String nasty = "a\u0000b\u0001c\u001bd\ud800e\ufffef]]><&\"'\t\r\n\ud83d\ude00";
        String xml = "<r a=\"" + JunitReport.escape(nasty) + "\">" + JunitReport.escape(nasty) + "</r>";
        Document parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        String expected = "a\\x00b\\x01c\\x1bd\ufffde\\xfffef]]><&\"'\t\r\n\ud83d\ude00";
        assertEquals(expected, parsed.getDocumentElement().getAttribute("a"));
        assertEquals(expected, parsed.getDocumentElement().getTextContent());
    }

    static Document parse(Path report) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(report.toFile());
    }

    static Element testcase(Document report) {
        NodeList cases = report.getElementsByTagName("testcase");
        assertEquals(1, cases.getLength());
        return (Element) cases.item(0);
    }
}
