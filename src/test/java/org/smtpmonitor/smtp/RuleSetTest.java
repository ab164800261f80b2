package org.smtpmonitor.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The rules format: what parses into what, and each mistake named by its line and reason. */
class RuleSetTest {

    private static RulesException error(String text) {
        return assertThrows(RulesException.class, () -> RuleSet.parse(text, "rules.txt"));
    }

    private static void assertError(String expected, String text) {
        assertEquals(expected, error(text).getMessage());
    }

    @Test
    void theFormatOfTheIssueParsesIntoItsRules() throws RulesException {
        String text = """
                # the third RCPT of every session gets a 452
                [rcpt-452]
                on = rcpt
                nth = 3
                reply = 452 4.5.3 Too many recipients

                [slow-end-of-data]
                On = data-end
                DELAY = 5000

                [drop-in-data]
                on = data
                session = 2
                close = before

                [blackhole-bob]
                on = data-end
                address = bob@*
                discard = yes

                [slow-link]
                on = connect
                throttle = 512
                probability = 0.5
                enabled = no
                """;
        RuleSet rules = RuleSet.parse(text, "rules.txt");
        assertEquals(List.of("rcpt-452", "slow-end-of-data", "drop-in-data", "blackhole-bob", "slow-link"),
                rules.rules().stream().map(Rule::name).toList());
        Rule rcpt = rules.named("rcpt-452");
        assertEquals(Rule.On.RCPT, rcpt.on());
        assertEquals(3, rcpt.nth());
        assertFalse(rcpt.overall());
        assertEquals(452, rcpt.reply().code());
        assertEquals(List.of("452 4.5.3 Too many recipients"), rcpt.reply().lines());
        assertEquals(2, rcpt.line());
        assertEquals("reply 452", rcpt.action());
        assertEquals("rcpt, 3rd time per session: reply 452", rcpt.summary());
        assertEquals(Duration.ofMillis(5000), rules.named("slow-end-of-data").delay());
        assertEquals(Rule.On.DATA_END, rules.named("slow-end-of-data").on());
        assertEquals(Rule.Close.BEFORE, rules.named("drop-in-data").close());
        assertEquals(2, rules.named("drop-in-data").session());
        assertEquals("close before the reply", rules.named("drop-in-data").action());
        Rule bob = rules.named("blackhole-bob");
        assertTrue(bob.discard());
        assertTrue(bob.matchesAddress(List.of("carol@x", "BOB@example.com")));
        assertFalse(bob.matchesAddress(List.of("bobby@example.com", "alice@example.com")));
        assertEquals("message stored nowhere", bob.action());
        Rule slow = rules.named("slow-link");
        assertFalse(slow.enabled());
        assertEquals(512, slow.throttle());
        assertEquals(0.5, slow.probability());
        assertEquals("connect, probability 0.5: throttle 512 bytes/s", slow.summary());
    }

    @Test
    void aMultiLineReplyKeepsItsLinesInOrder() throws RulesException {
        Rule rule = RuleSet.parse("[no]\non = helo\nreply = 554-5.7.1 first\nreply = 554 5.7.1 second\n", "r")
                .named("no");
        assertEquals(List.of("554-5.7.1 first", "554 5.7.1 second"), rule.reply().lines());
    }

    @Test
    void globsMatchWholeAddressesCaseInsensitivelyWithNothingElseSpecial() throws RulesException {
        Rule rule = RuleSet.parse("[g]\non = rcpt\naddress = a?c+d.(x)@*.ORG\nreply = 550 no\n", "r").named("g");
        assertTrue(rule.matchesAddress(List.of("abc+d.(x)@mail.example.org")));
        assertFalse(rule.matchesAddress(List.of("abbc+d.(x)@mail.example.org")));
        assertFalse(rule.matchesAddress(List.of("abc+dd(x)@mail.example.org")));
        assertFalse(rule.matchesAddress(List.of()));
        int[] glob = "*a*a*a*a*a*a*a*a*a*a*b".codePoints().toArray();
        assertFalse(Rule.globMatches(glob, "a".repeat(990)), "a hostile address is answered, and quickly");
        assertTrue(Rule.globMatches("*@*".codePoints().toArray(), "x@y"));
        assertTrue(Rule.globMatches("**".codePoints().toArray(), ""));
        assertFalse(Rule.globMatches("?".codePoints().toArray(), ""));
        assertTrue(Rule.globMatches("stra?e@x".codePoints().toArray(), "STRASSE@X".substring(0, 4) + "\u00dfe@x"));
    }

    @Test
    void commentsBlankLinesCarriageReturnsAndAByteOrderMarkAreIgnored() throws RulesException {
        RuleSet rules = RuleSet.parse("\uFEFF# c\r\n\r\n  [a]  \r\n  # another\r\non=mail\r\ndelay=10\r\n", "r");
        assertEquals(Duration.ofMillis(10), rules.named("a").delay());
        assertEquals(3, rules.named("a").line());
        assertTrue(RuleSet.parse("# only comments\n\n", "r").isEmpty());
    }

    @Test
    void eachMistakeIsNamedByFileLineAndReason() {
        assertError("rules.txt:3: unknown key \"dealy\" (keys: on, address, nth, count, session, probability, reply,"
                + " delay, close, discard, throttle, enabled)", "[a]\non = mail\ndealy = 10\n");
        assertError("rules.txt:4: a second rule named \"a\" (the first is at line 1)",
                "[a]\non = mail\ndelay = 1\n[a]\non = rcpt\ndelay = 1\n");
        assertError("rules.txt:3: reply code 600 is not between 200 and 599", "[a]\non = mail\nreply = 600 no\n");
        assertError("rules.txt:3: reply code 199 is not between 200 and 599", "[a]\non = mail\nreply = 199 no\n");
        // A 354 to DATA the server did not carry out would have the client send its message as commands.
        assertError("rules.txt:3: reply code 354 asks the client to go on, but a rule's reply replaces the command,"
                + " which is not carried out: use a 2xx, 4xx or 5xx code", "[a]\non = data\nreply = 354 go ahead\n");
        assertError("rules.txt:3: reply code 334 asks the client to go on, but a rule's reply replaces the command,"
                + " which is not carried out: use a 2xx, 4xx or 5xx code", "[a]\non = command\nreply = 334 VXNlcm5hbWU6\n");
        assertError("rules.txt:3: \"discard\" applies to on = data-end only, not on = data",
                "[a]\non = data\ndiscard = yes\n");
        assertError("rules.txt:2: \"address\" applies to on = mail, rcpt, data or data-end, not on = connect",
                "[a]\naddress = x@*\non = connect\ndelay = 1\n");
        assertTrue(error("[a]\non = mail\nreply = 550 no\nclose = before\n").getMessage()
                .startsWith("rules.txt:4: \"close = before\" closes without a reply, yet the rule has a \"reply\""));
        assertError("rules.txt:1: rule \"a\" has no \"on\" (connect, helo, mail, rcpt, data, data-end or command)",
                "[a]\ndelay = 5\n");
        assertError("rules.txt:1: rule \"a\" does nothing: give it a reply, a delay, close, discard or throttle",
                "[a]\non = mail\nnth = 2\n");
        assertError("rules.txt:1: rule \"a\" does nothing: give it a reply, a delay, close, discard or throttle",
                "[a]\non = data-end\ndiscard = no\n");
        assertError("rules.txt:2: unknown step \"rcpt-to\" for on (connect, helo, mail, rcpt, data, data-end or"
                + " command)", "[a]\non = rcpt-to\n");
        assertError("rules.txt:1: \"on\" before any rule: start a rule with [name]", "on = mail\n");
        assertError("rules.txt:2: expected \"key = value\" or \"[name]\", found \"on mail\"", "[a]\non mail\n");
        assertError("rules.txt:3: \"delay\" is given twice in rule \"a\" (first at line 2)",
                "[a]\ndelay = 1\ndelay = 2\non = mail\n");
        assertError("rules.txt:2: \"600001\" is not a whole number from 0 to 600000", "[a]\ndelay = 600001\n");
        assertError("rules.txt:2: \"-1\" is not a whole number from 1 to 1000000000", "[a]\nnth = -1\n");
        assertError("rules.txt:2: \"0\" is not a whole number from 1 to 1000000000", "[a]\nthrottle = 0\n");
        assertError("rules.txt:2: probability \"1.5\" is not a number from 0 to 1, such as 0.25",
                "[a]\nprobability = 1.5\n");
        assertError("rules.txt:2: \"later\" is not before or after", "[a]\nclose = later\n");
        assertError("rules.txt:2: \"maybe\" is not yes or no", "[a]\nenabled = maybe\n");
        assertError("rules.txt:2: \"count\" says how \"nth\" counts, and this rule has no \"nth\"",
                "[a]\ncount = overall\non = mail\ndelay = 1\n");
        assertError("rules.txt:4: every line of a reply has the same code: 554 before, 550 here",
                "[a]\non = helo\nreply = 554 one\nreply = 550 two\n");
        assertError("rules.txt:2: \"reply\" has no value", "[a]\nreply =\n");
        assertError("rules.txt:1: a rule needs a name between the brackets", "[ ]\n");
        assertError("rules.txt:1: the rule name \"a b\" may hold only letters, digits, '-', '_' and '.'", "[a b]\n");
        assertTrue(error("[a]\non = mail\nreply = 55 no\n").getMessage().startsWith("rules.txt:3: a reply is a"
                + " three-digit code"));
        assertEquals("a reply's text may hold only printable ASCII (SMTP replies are ASCII)",
                error("[a]\non = mail\nreply = 550 caf\u00e9\n").reason());
        assertTrue(error("[a]\non = data-end\nreply = 554 no\ndiscard = yes\n").getMessage()
                .startsWith("rules.txt:4: \"discard\" answers 250 and stores nothing, yet the rule has a \"reply\""));
    }

    @Test
    void theExceptionCarriesItsPartsApart() {
        RulesException e = error("[a]\non = mail\n\ndealy = 10\n");
        assertEquals("rules.txt", e.source());
        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("unknown key \"dealy\""));
    }

    @Test
    void rulesSwitchedSinceParsingAreWrittenWithTheirNewState() throws RulesException {
        String text = "# top\n[a]\non = mail\ndelay = 1\n\n[b]\non = rcpt\n  enabled = no\ndelay = 2\n";
        RuleSet rules = RuleSet.parse(text, "r");
        assertEquals(text, rules.textWithEnabled(name -> name.equals("a")));
        String switched = rules.textWithEnabled(name -> name.equals("b"));
        assertEquals("# top\n[a]\nenabled = no\non = mail\ndelay = 1\n\n[b]\non = rcpt\n  enabled = yes\ndelay = 2\n",
                switched);
        RuleSet again = RuleSet.parse(switched, "r");
        assertFalse(again.named("a").enabled());
        assertTrue(again.named("b").enabled());
    }

    @Test
    void theSampleRulesFileParsesAndShowsEveryStepAndAction() throws Exception {
        String text = Files.readString(Path.of("docs/rules-example.txt"), StandardCharsets.UTF_8);
        RuleSet rules = RuleSet.parse(text, "docs/rules-example.txt");
        assertEquals(Set.of(Rule.On.values()), Set.copyOf(rules.rules().stream().map(Rule::on).toList()));
        assertTrue(rules.rules().stream().anyMatch(r -> r.reply() != null && r.reply().lines().size() > 1));
        assertTrue(rules.rules().stream().anyMatch(r -> !r.delay().isZero()));
        assertTrue(rules.rules().stream().anyMatch(r -> r.close() == Rule.Close.BEFORE));
        assertTrue(rules.rules().stream().anyMatch(r -> r.close() == Rule.Close.AFTER));
        assertTrue(rules.rules().stream().anyMatch(Rule::discard));
        assertTrue(rules.rules().stream().anyMatch(r -> r.throttle() > 0));
        assertTrue(rules.rules().stream().anyMatch(Rule::overall));
        assertTrue(rules.rules().stream().anyMatch(r -> r.session() > 0));
        assertTrue(rules.rules().stream().anyMatch(r -> r.address() != null));
        assertTrue(rules.rules().stream().anyMatch(r -> r.probability() < 1));
        assertTrue(rules.rules().stream().anyMatch(r -> !r.enabled()));
        assertNull(rules.named("no-such-rule"));
    }
}
